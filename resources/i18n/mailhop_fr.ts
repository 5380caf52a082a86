<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name></name>
    <message>
        <source>mailhop {version}

Sets up a mail account securely from nothing but an email address.

Licence: {licence}
Passwords are kept in: {keyring}

Python {python}, Qt for Python {qt}</source>
        <translation>mailhop {version}

Configure un compte de messagerie en toute sécurité à partir de la seule adresse e-mail.

Licence : {licence}
Les mots de passe sont conservés dans : {keyring}

Python {python}, Qt for Python {qt}</translation>
    </message>
    <message>
        <source>none usable. {why}</source>
        <translation>aucun utilisable. {why}</translation>
    </message>
    <message>
        <source>About mailhop</source>
        <translation>À propos de mailhop</translation>
    </message>
    <message>
        <source>looking…</source>
        <translation>recherche…</translation>
    </message>
    <message>
        <source>unknown ({kind})</source>
        <translation>inconnu ({kind})</translation>
    </message>
    <message>
        <source>the demo keyring (in memory, gone when the demo ends)</source>
        <translation>le trousseau de démonstration (en mémoire, effacé à la fin de la démo)</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>démo</translation>
    </message>
    <message>
        <source>Saved accounts</source>
        <translation>Comptes enregistrés</translation>
    </message>
    <message>
        <source>Account details and re-check result</source>
        <translation>Détails du compte et résultat de la nouvelle vérification</translation>
    </message>
    <message>
        <source>&amp;Re-check</source>
        <translation>&amp;Revérifier</translation>
    </message>
    <message>
        <source>Re-check the selected account</source>
        <translation>Revérifier le compte sélectionné</translation>
    </message>
    <message>
        <source>&amp;Forget…</source>
        <translation>&amp;Oublier…</translation>
    </message>
    <message>
        <source>Forget the selected account</source>
        <translation>Oublier le compte sélectionné</translation>
    </message>
    <message>
        <source>(unreadable) {why}</source>
        <translation>(illisible) {why}</translation>
    </message>
    <message>
        <source>Saved accounts: {n}.</source>
        <translation>Comptes enregistrés : {n}.</translation>
    </message>
    <message>
        <source>No saved accounts yet. Set one up from the main window.</source>
        <translation>Aucun compte enregistré pour l’instant. Configurez-en un depuis la fenêtre principale.</translation>
    </message>
    <message>
        <source>checked {when}, verdict {verdict}</source>
        <translation>vérifié le {when}, verdict {verdict}</translation>
    </message>
    <message>
        <source>receive: {service} {host}:{port} {security}, as {user}</source>
        <translation>réception : {service} {host}:{port} {security}, en tant que {user}</translation>
    </message>
    <message>
        <source>send: {host}:{port} {security}, as {user}</source>
        <translation>envoi : {host}:{port} {security}, en tant que {user}</translation>
    </message>
    <message>
        <source>Re-checking…</source>
        <translation>Nouvelle vérification…</translation>
    </message>
    <message>
        <source>Now blocked: {why}. The saved settings are unchanged.</source>
        <translation>Désormais bloqué : {why}. Les paramètres enregistrés sont inchangés.</translation>
    </message>
    <message>
        <source>No differences since the last check.</source>
        <translation>Aucune différence depuis la dernière vérification.</translation>
    </message>
    <message>
        <source>Differences: {n}; nothing was changed:</source>
        <translation>Différences : {n} ; rien n’a été modifié :</translation>
    </message>
    <message>
        <source>Set the account up again to accept the new settings.</source>
        <translation>Configurez à nouveau le compte pour adopter les nouveaux paramètres.</translation>
    </message>
    <message>
        <source>Forget this account?</source>
        <translation>Oublier ce compte ?</translation>
    </message>
    <message>
        <source>Remove the password of {address} from {keyring} and delete its saved settings? Your mail and your mail clients are not touched.</source>
        <translation>Supprimer le mot de passe de {address} conservé dans {keyring} et effacer ses paramètres enregistrés ? Vos messages et vos clients de messagerie ne sont pas modifiés.</translation>
    </message>
    <message>
        <source>Removed the profile {path} and keyring entries: {n}.</source>
        <translation>Profil {path} supprimé, entrées du trousseau supprimées : {n}.</translation>
    </message>
    <message>
        <source>Removed keyring entries: {n}; the profile could not be removed: {why}.</source>
        <translation>Entrées du trousseau supprimées : {n} ; le profil n’a pas pu être supprimé : {why}.</translation>
    </message>
    <message>
        <source>Could not finish: {m}</source>
        <translation>Impossible de terminer : {m}</translation>
    </message>
    <message>
        <source>matched</source>
        <translation>correspond</translation>
    </message>
    <message>
        <source>does not match</source>
        <translation>ne correspond pas</translation>
    </message>
    <message>
        <source>bogus (DNSSEC validation failed)</source>
        <translation>invalide (échec de la validation DNSSEC)</translation>
    </message>
    <message>
        <source>not applicable</source>
        <translation>sans objet</translation>
    </message>
    <message>
        <source>no usable records</source>
        <translation>aucun enregistrement utilisable</translation>
    </message>
    <message>
        <source>{host} port {port}, {security}</source>
        <translation>{host} port {port}, {security}</translation>
    </message>
    <message>
        <source>connected to {peer}, {tls}</source>
        <translation>connecté à {peer}, {tls}</translation>
    </message>
    <message>
        <source>no TLS</source>
        <translation>pas de TLS</translation>
    </message>
    <message>
        <source>verified by: {how}</source>
        <translation>vérifié par : {how}</translation>
    </message>
    <message>
        <source>nothing: NOT verified</source>
        <translation>rien : NON vérifié</translation>
    </message>
    <message>
        <source>this computer&apos;s trust store: the certificate verifies</source>
        <translation>magasin de certificats de cet ordinateur : le certificat est valide</translation>
    </message>
    <message>
        <source>this computer&apos;s trust store: fails: {why}</source>
        <translation>magasin de certificats de cet ordinateur : échec : {why}</translation>
    </message>
    <message>
        <source>no TLSA record</source>
        <translation>aucun enregistrement TLSA</translation>
    </message>
    <message>
        <source>No certificate was received.</source>
        <translation>Aucun certificat n’a été reçu.</translation>
    </message>
    <message>
        <source>subject: {subject}</source>
        <translation>sujet : {subject}</translation>
    </message>
    <message>
        <source>issuer: {issuer}</source>
        <translation>émetteur : {issuer}</translation>
    </message>
    <message>
        <source>names: {names}</source>
        <translation>noms : {names}</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>valid until: {date} ({days} days left)</source>
        <translation>valide jusqu’au : {date} (encore {days} jours)</translation>
    </message>
    <message>
        <source>key: {key}; signature: {signature}</source>
        <translation>clé : {key} ; signature : {signature}</translation>
    </message>
    <message>
        <source>key pin (SPKI SHA-256): {pin}</source>
        <translation>empreinte de la clé (SPKI SHA-256) : {pin}</translation>
    </message>
    <message>
        <source>chain as presented (server first):</source>
        <translation>chaîne telle que présentée (serveur en premier) :</translation>
    </message>
    <message>
        <source>problems:</source>
        <translation>problèmes :</translation>
    </message>
    <message>
        <source>Certificate: {title}</source>
        <translation>Certificat : {title}</translation>
    </message>
    <message>
        <source>Certificate details</source>
        <translation>Détails du certificat</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>Paramètres avancés</translation>
    </message>
    <message>
        <source>the system&apos;s resolver (for example 192.0.2.53:53)</source>
        <translation>le résolveur du système (par exemple 192.0.2.53:53)</translation>
    </message>
    <message>
        <source>IANA&apos;s root keys, shipped with mailhop</source>
        <translation>les clés racine de l’IANA, fournies avec mailhop</translation>
    </message>
    <message>
        <source>none: only this computer&apos;s trust store</source>
        <translation>aucun : seulement le magasin de certificats de cet ordinateur</translation>
    </message>
    <message>
        <source>Thunderbird&apos;s provider database</source>
        <translation>la base des fournisseurs de Thunderbird</translation>
    </message>
    <message>
        <source>Allow .test domains (labs and demos)</source>
        <translation>Autoriser les domaines .test (laboratoires et démos)</translation>
    </message>
    <message>
        <source>DNS &amp;resolver:</source>
        <translation>&amp;Résolveur DNS :</translation>
    </message>
    <message>
        <source>DNSSEC &amp;trust anchor file:</source>
        <translation>Fichier d’&amp;ancre de confiance DNSSEC :</translation>
    </message>
    <message>
        <source>Extra &amp;CA file:</source>
        <translation>Fichier d’AC &amp;supplémentaire :</translation>
    </message>
    <message>
        <source>&amp;Provider database URL:</source>
        <translation>URL de la base des &amp;fournisseurs :</translation>
    </message>
    <message>
        <source>&amp;Deadline:</source>
        <translation>&amp;Délai maximal :</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>Empty fields use the defaults. The values are checked when a check starts. A new language is used the next time mailhop starts.</source>
        <translation>Les champs vides prennent les valeurs par défaut. Les valeurs sont contrôlées au début d’une vérification. Une nouvelle langue s’applique au prochain démarrage de mailhop.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avertissement</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqué</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Introuvable</translation>
    </message>
    <message>
        <source>Your device → outgoing server (sending)</source>
        <translation>Votre appareil → serveur d’envoi (envoi)</translation>
    </message>
    <message>
        <source>Server → server (mail to your domain)</source>
        <translation>Serveur → serveur (courrier vers votre domaine)</translation>
    </message>
    <message>
        <source>Incoming server → your devices (receiving)</source>
        <translation>Serveur de réception → vos appareils (réception)</translation>
    </message>
    <message>
        <source>then</source>
        <translation>puis</translation>
    </message>
    <message>
        <source>you@example.com</source>
        <translation>vous@example.com</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <source>The address of the account to set up. Press Enter to check it.</source>
        <translation>L’adresse du compte à configurer. Appuyez sur Entrée pour la vérifier.</translation>
    </message>
    <message>
        <source>Problem with the address</source>
        <translation>Problème avec l’adresse</translation>
    </message>
    <message>
        <source>&amp;Check this address</source>
        <translation>&amp;Vérifier cette adresse</translation>
    </message>
    <message>
        <source>Check this address</source>
        <translation>Vérifier cette adresse</translation>
    </message>
    <message>
        <source>Your &amp;email address:</source>
        <translation>Votre adresse &amp;e-mail :</translation>
    </message>
    <message>
        <source>mailhop asks the address&apos;s own domain how mail clients must reach it, checks every server it names, and tells you what it found before any password is sent.</source>
        <translation>mailhop demande au domaine de l’adresse comment les clients de messagerie doivent le joindre, vérifie chaque serveur indiqué et vous montre ce qu’il a trouvé avant tout envoi de mot de passe.</translation>
    </message>
    <message>
        <source>Set up a mail account</source>
        <translation>Configurer un compte de messagerie</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Vérification</translation>
    </message>
    <message>
        <source>What is happening now</source>
        <translation>Ce qui se passe maintenant</translation>
    </message>
    <message>
        <source>Overall progress</source>
        <translation>Progression globale</translation>
    </message>
    <message>
        <source>Sources and servers being checked</source>
        <translation>Sources et serveurs en cours de vérification</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Où</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>Cancel the check</source>
        <translation>Annuler la vérification</translation>
    </message>
    <message>
        <source>Checking {address}</source>
        <translation>Vérification de {address}</translation>
    </message>
    <message>
        <source>Asking every published source at once…</source>
        <translation>Interrogation simultanée de toutes les sources publiées…</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>en cours…</translation>
    </message>
    <message>
        <source>{done} of {total} done, {running} running, at most {left} left</source>
        <translation>{done} sur {total} terminés, {running} en cours, encore {left} au plus</translation>
    </message>
    <message>
        <source>Could not check</source>
        <translation>Impossible à vérifier</translation>
    </message>
    <message>
        <source>Could not check from this computer</source>
        <translation>Impossible à vérifier depuis cet ordinateur</translation>
    </message>
    <message>
        <source>Ready to set up</source>
        <translation>Prêt à configurer</translation>
    </message>
    <message>
        <source>Usable, but read the warnings</source>
        <translation>Utilisable, mais lisez les avertissements</translation>
    </message>
    <message>
        <source>This account cannot be set up safely</source>
        <translation>Ce compte ne peut pas être configuré en toute sécurité</translation>
    </message>
    <message>
        <source>Where each setting came from</source>
        <translation>Provenance de chaque paramètre</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Paramètre</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Where it came from</source>
        <translation>Provenance</translation>
    </message>
    <message>
        <source>Findings; expand one for the helpdesk details</source>
        <translation>Constats ; dépliez-en un pour les détails destinés à l’assistance</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Constat</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Your approval is needed</source>
        <translation>Votre accord est nécessaire</translation>
    </message>
    <message>
        <source>Certificate of the &amp;incoming server…</source>
        <translation>Certificat du serveur de &amp;réception…</translation>
    </message>
    <message>
        <source>Certificate of the &amp;outgoing server…</source>
        <translation>Certificat du serveur d’&amp;envoi…</translation>
    </message>
    <message>
        <source>Copy the report for a &amp;helpdesk</source>
        <translation>Copier le rapport pour l’&amp;assistance</translation>
    </message>
    <message>
        <source>&amp;Report for your helpdesk…</source>
        <translation>Enregistrer le rappor&amp;t pour l’assistance…</translation>
    </message>
    <message>
        <source>Hide my &amp;name (before the @) in the report</source>
        <translation>Masquer mon &amp;nom (avant le @) dans le rapport</translation>
    </message>
    <message>
        <source>Saving the report…</source>
        <translation>Enregistrement du rapport…</translation>
    </message>
    <message>
        <source>Save the report for your helpdesk</source>
        <translation>Enregistrer le rapport pour l’assistance</translation>
    </message>
    <message>
        <source>Web page (*.html);;PDF (*.pdf)</source>
        <translation>Page web (*.html);;PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Report not saved</source>
        <translation>Rapport non enregistré</translation>
    </message>
    <message>
        <source>The report could not be saved: {why}</source>
        <translation>Le rapport n’a pas pu être enregistré : {why}</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Précédent</translation>
    </message>
    <message>
        <source>Continue to &amp;sign in</source>
        <translation>Continuer vers la &amp;connexion</translation>
    </message>
    <message>
        <source>The three ways, with their codes</source>
        <translation>Les trois trajets, avec leurs codes</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Constats</translation>
    </message>
    <message>
        <source>Checked {address} in {time}. No password was used.</source>
        <translation>{address} vérifiée en {time}. Aucun mot de passe n’a été utilisé.</translation>
    </message>
    <message>
        <source>Nothing can be set up: {why}.</source>
        <translation>Rien ne peut être configuré : {why}.</translation>
    </message>
    <message>
        <source>Incoming server</source>
        <translation>Serveur de réception</translation>
    </message>
    <message>
        <source>Outgoing server</source>
        <translation>Serveur d’envoi</translation>
    </message>
    <message>
        <source>from the settings</source>
        <translation>d’après les paramètres</translation>
    </message>
    <message>
        <source>your address (the usual rule)</source>
        <translation>votre adresse (la règle habituelle)</translation>
    </message>
    <message>
        <source>user name: {user}</source>
        <translation>nom d’utilisateur : {user}</translation>
    </message>
    <message>
        <source>Nothing to report.</source>
        <translation>Rien à signaler.</translation>
    </message>
    <message>
        <source>Yes, I trust {domain} with my password</source>
        <translation>Oui, je confie mon mot de passe à {domain}</translation>
    </message>
    <message>
        <source>incoming server</source>
        <translation>serveur de réception</translation>
    </message>
    <message>
        <source>outgoing server</source>
        <translation>serveur d’envoi</translation>
    </message>
    <message>
        <source>Copied the report</source>
        <translation>Rapport copié</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Sent only to the verified servers shown, then kept only in the keyring</source>
        <translation>Envoyé uniquement aux serveurs vérifiés affichés, puis conservé uniquement dans le trousseau</translation>
    </message>
    <message>
        <source>Client &amp;ID (only if your administrator gave you one):</source>
        <translation>&amp;Identifiant client (seulement si votre administrateur vous en a donné un) :</translation>
    </message>
    <message>
        <source>OAuth2 client ID</source>
        <translation>Identifiant client OAuth2</translation>
    </message>
    <message>
        <source>For providers that need a registered client; mailhop ships none of its own</source>
        <translation>Pour les fournisseurs qui exigent un client enregistré ; mailhop n&apos;en fournit aucun</translation>
    </message>
    <message>
        <source>Sign in and &amp;save</source>
        <translation>Se connecter et &amp;enregistrer</translation>
    </message>
    <message>
        <source>Sign in and save</source>
        <translation>Se connecter et enregistrer</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Précédent</translation>
    </message>
    <message>
        <source>Cancel the sign-in test</source>
        <translation>Annuler le test de connexion</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Login tests</source>
        <translation>Tests de connexion</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>The servers&apos; own words (not mailhop&apos;s)</source>
        <translation>Les propres mots des serveurs (pas ceux de mailhop)</translation>
    </message>
    <message>
        <source>Messages from the servers</source>
        <translation>Messages des serveurs</translation>
    </message>
    <message>
        <source>This provider signs in with OAuth2: mailhop opens the provider&apos;s own sign-in page in your browser and never sees your password. Once you have signed in there, mailhop tests receiving and sending at {incoming} and {outgoing} and keeps only the sign-in token, in {keyring}.</source>
        <translation>Ce fournisseur connecte avec OAuth2 : mailhop ouvre la page de connexion du fournisseur dans votre navigateur et ne voit jamais votre mot de passe. Une fois connecté là-bas, mailhop teste la réception et l&apos;envoi chez {incoming} et {outgoing} et ne garde que le jeton de connexion, dans {keyring}.</translation>
    </message>
    <message>
        <source>Sign in with the &amp;browser</source>
        <translation>Se connecter avec le &amp;navigateur</translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation>Se connecter avec le navigateur</translation>
    </message>
    <message>
        <source>Finding your provider&apos;s sign-in page…</source>
        <translation>Recherche de la page de connexion de votre fournisseur…</translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation>Connexion en cours</translation>
    </message>
    <message>
        <source>Use it in your mail &amp;client →</source>
        <translation>L’utiliser dans votre &amp;client de messagerie →</translation>
    </message>
    <message>
        <source>Use it in your mail client</source>
        <translation>L’utiliser dans votre client de messagerie</translation>
    </message>
    <message>
        <source>Sign in as {address}</source>
        <translation>Connexion en tant que {address}</translation>
    </message>
    <message>
        <source>mailhop tests your password at {incoming} and {outgoing}, over the verified connections shown before, and keeps it only in {keyring}. It is never written to a file.</source>
        <translation>mailhop teste votre mot de passe auprès de {incoming} et de {outgoing}, par les connexions vérifiées affichées précédemment, et le conserve uniquement dans {keyring}. Il n’est jamais écrit dans un fichier.</translation>
    </message>
    <message>
        <source>This is the demo: its password is {hint}</source>
        <translation>Ceci est la démo : son mot de passe est {hint}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Type the password first.</source>
        <translation>Saisissez d’abord le mot de passe.</translation>
    </message>
    <message>
        <source>Testing the sign-in…</source>
        <translation>Test de la connexion…</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>sign-in failed</source>
        <translation>échec de la connexion</translation>
    </message>
    <message>
        <source>The sign-in token is in {keyring}, under: {entries}.</source>
        <translation>Le jeton de connexion est dans {keyring}, sous : {entries}.</translation>
    </message>
    <message>
        <source>The password is in {keyring}, under: {entries}.</source>
        <translation>Le mot de passe est dans {keyring}, sous : {entries}.</translation>
    </message>
    <message>
        <source>service {service}, user {user}</source>
        <translation>service {service}, utilisateur {user}</translation>
    </message>
    <message>
        <source>The settings (no password) are in {path}.</source>
        <translation>Les paramètres (sans mot de passe) sont dans {path}.</translation>
    </message>
    <message>
        <source>Your browser shows the sign-in page of {host}. Sign in there; mailhop waits until {until}. Cancel stops waiting.</source>
        <translation>Votre navigateur affiche la page de connexion de {host}. Connectez-vous là-bas ; mailhop attend jusqu&apos;à {until}. Annuler arrête l&apos;attente.</translation>
    </message>
    <message>
        <source>Cancelled: no sign-in was stored and nothing was saved.</source>
        <translation>Annulé : aucune connexion n&apos;a été enregistrée et rien n&apos;a été sauvegardé.</translation>
    </message>
    <message>
        <source>Cancelled: no password was stored and nothing was saved.</source>
        <translation>Annulé : aucun mot de passe n’a été conservé et rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>Folder for the files</source>
        <translation>Dossier des fichiers</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>&amp;Choisir…</translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation>Choisir le dossier</translation>
    </message>
    <message>
        <source>Save into:</source>
        <translation>Enregistrer dans :</translation>
    </message>
    <message>
        <source>Sign the Apple profile (optional)</source>
        <translation>Signer le profil Apple (facultatif)</translation>
    </message>
    <message>
        <source>Sign the Apple profile</source>
        <translation>Signer le profil Apple</translation>
    </message>
    <message>
        <source>Certificate (PEM)</source>
        <translation>Certificat (PEM)</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Clé privée (PEM)</translation>
    </message>
    <message>
        <source>Intermediates (PEM)</source>
        <translation>Certificats intermédiaires (PEM)</translation>
    </message>
    <message>
        <source>Copy a &amp;summary for a helpdesk ticket</source>
        <translation>Copier un &amp;résumé pour un ticket d’assistance</translation>
    </message>
    <message>
        <source>Copy a summary for a helpdesk ticket</source>
        <translation>Copier un résumé pour un ticket d’assistance</translation>
    </message>
    <message>
        <source>&amp;Done</source>
        <translation>&amp;Terminé</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Saved files</source>
        <translation>Fichiers enregistrés</translation>
    </message>
    <message>
        <source>QR code for Thunderbird for Android</source>
        <translation>Code QR pour Thunderbird pour Android</translation>
    </message>
    <message>
        <source>Thunderbird for Android</source>
        <translation>Thunderbird pour Android</translation>
    </message>
    <message>
        <source>Use {address} in your mail client</source>
        <translation>Utiliser {address} dans votre client de messagerie</translation>
    </message>
    <message>
        <source>Save the files into</source>
        <translation>Enregistrer les fichiers dans</translation>
    </message>
    <message>
        <source>Signing needs a certificate and its private key.</source>
        <translation>La signature nécessite un certificat et sa clé privée.</translation>
    </message>
    <message>
        <source>A plain summary of the settings is on the clipboard.</source>
        <translation>Un résumé simple des paramètres est dans le presse-papiers.</translation>
    </message>
    <message>
        <source>[… shortened: {n} more characters not shown]</source>
        <translation>[… raccourci : {n} caractères de plus non affichés]</translation>
    </message>
    <message>
        <source>[… shortened]</source>
        <translation>[… raccourci]</translation>
    </message>
    <message>
        <source>{host} said: {words}</source>
        <translation>{host} a répondu : {words}</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>your system keyring</source>
        <translation>le trousseau de votre système</translation>
    </message>
    <message>
        <source>This step could not run: {words}. Nothing was saved.</source>
        <translation>Cette étape n’a pas pu s’exécuter : {words}. Rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>Something went wrong inside mailhop, so this step did not finish. Nothing was saved and no password was sent.

What happened: {words} ({kind})

Please report this; the technical details are in the program&apos;s log.</source>
        <translation>Une erreur interne à mailhop a empêché cette étape de se terminer. Rien n’a été enregistré et aucun mot de passe n’a été envoyé.

Ce qui s’est passé : {words} ({kind})

Merci de signaler ce problème ; les détails techniques figurent dans le journal du programme.</translation>
    </message>
    <message>
        <source>&amp;Accounts</source>
        <translation>&amp;Comptes</translation>
    </message>
    <message>
        <source>&amp;Saved accounts…</source>
        <translation>Comptes &amp;enregistrés…</translation>
    </message>
    <message>
        <source>&amp;Advanced settings…</source>
        <translation>&amp;Paramètres avancés…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;About mailhop</source>
        <translation>À &amp;propos de mailhop</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Cancelled: nothing was saved and no password was used.</source>
        <translation>Annulé : rien n’a été enregistré et aucun mot de passe n’a été utilisé.</translation>
    </message>
    <message>
        <source>The check was cancelled. Nothing was saved.</source>
        <translation>La vérification a été annulée. Rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>Done in {time}</source>
        <translation>Terminé en {time}</translation>
    </message>
    <message>
        <source>Stopped by an error</source>
        <translation>Arrêté par une erreur</translation>
    </message>
    <message>
        <source>mailhop could not finish</source>
        <translation>mailhop n’a pas pu terminer</translation>
    </message>
    <message>
        <source>This password cannot be used: {why}.</source>
        <translation>Ce mot de passe ne peut pas être utilisé : {why}.</translation>
    </message>
    <message>
        <source>Approve the sign-in service?</source>
        <translation>Approuver le service de connexion ?</translation>
    </message>
    <message>
        <source>Nothing was saved: {m}</source>
        <translation>Rien n’a été enregistré : {m}</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>Publish a domain&apos;s settings</source>
        <translation>Publier les réglages d&apos;un domaine</translation>
    </message>
    <message>
        <source>the whole address</source>
        <translation>l&apos;adresse entière</translation>
    </message>
    <message>
        <source>the part before the @</source>
        <translation>la partie avant le @</translation>
    </message>
    <message>
        <source>testing (reports first)</source>
        <translation>testing (d&apos;abord les rapports)</translation>
    </message>
    <message>
        <source>enforce</source>
        <translation>enforce (imposer)</translation>
    </message>
    <message>
        <source>Accept a certificate only DANE-EE vouches for</source>
        <translation>Accepter un certificat dont seul DANE-EE se porte garant</translation>
    </message>
    <message>
        <source>What to publish</source>
        <translation>Ce qu&apos;il faut publier</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Générer</translation>
    </message>
    <message>
        <source>&amp;Save files…</source>
        <translation>&amp;Enregistrer les fichiers…</translation>
    </message>
    <message>
        <source>Name at least one server.</source>
        <translation>Nommez au moins un serveur.</translation>
    </message>
    <message>
        <source>Connecting to each server (no login)…</source>
        <translation>Connexion à chaque serveur (sans se connecter au compte)…</translation>
    </message>
    <message>
        <source>Publish these records and files; the README says where.</source>
        <translation>Publiez ces enregistrements et fichiers ; le README dit où.</translation>
    </message>
    <message>
        <source>host names, separated by spaces</source>
        <translation>noms d&apos;hôte, séparés par des espaces</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domaine :</translation>
    </message>
    <message>
        <source>&amp;IMAP servers:</source>
        <translation>Serveurs &amp;IMAP :</translation>
    </message>
    <message>
        <source>&amp;POP3 servers:</source>
        <translation>Serveurs &amp;POP3 :</translation>
    </message>
    <message>
        <source>S&amp;ubmission servers:</source>
        <translation>Serveurs de s&amp;oumission :</translation>
    </message>
    <message>
        <source>&amp;MX hosts:</source>
        <translation>Hôtes &amp;MX :</translation>
    </message>
    <message>
        <source>Users sign in &amp;with:</source>
        <translation>Les utilisateurs se connectent &amp;avec :</translation>
    </message>
    <message>
        <source>MTA-STS m&amp;ode:</source>
        <translation>M&amp;ode MTA-STS :</translation>
    </message>
    <message>
        <source>Nothing can be published: these servers would make clients less safe.</source>
        <translation>Rien ne peut être publié : ces serveurs rendraient les clients moins sûrs.</translation>
    </message>
    <message>
        <source>Generating failed: {error}</source>
        <translation>La génération a échoué : {error}</translation>
    </message>
    <message>
        <source>{count} files written to {folder}.</source>
        <translation>{count} fichiers écrits dans {folder}.</translation>
    </message>
    <message>
        <source>&amp;Publish a domain&apos;s settings…</source>
        <translation>&amp;Publier les réglages d&apos;un domaine…</translation>
    </message>
    <message>
        <source>For a&amp;dministrators</source>
        <translation>Pour les a&amp;dministrateurs</translation>
    </message>
    <message>
        <source>Your mail app</source>
        <translation>Votre application de messagerie</translation>
    </message>
    <message>
        <source>Your &amp;mail app:</source>
        <translation>Votre application de &amp;messagerie :</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <source>Type these values</source>
        <translation>Saisissez ces valeurs</translation>
    </message>
    <message>
        <source>Show the &amp;files for administrators</source>
        <translation>Afficher les &amp;fichiers pour les administrateurs</translation>
    </message>
    <message>
        <source>Show the files for administrators</source>
        <translation>Afficher les fichiers pour les administrateurs</translation>
    </message>
    <message>
        <source>For administrators (publishing the settings)</source>
        <translation>Pour les administrateurs (publier les paramètres)</translation>
    </message>
    <message>
        <source>Save the ticked files</source>
        <translation>Enregistrer les fichiers cochés</translation>
    </message>
    <message>
        <source>Save the ticked files for administrators</source>
        <translation>Enregistrer les fichiers cochés pour les administrateurs</translation>
    </message>
    <message>
        <source>Sa&amp;ve the file</source>
        <translation>En&amp;registrer le fichier</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>Enregistrer le fichier</translation>
    </message>
    <message>
        <source>Save and &amp;open it</source>
        <translation>Enregistrer et &amp;ouvrir</translation>
    </message>
    <message>
        <source>Save the file and open it</source>
        <translation>Enregistrer le fichier et l’ouvrir</translation>
    </message>
    <message>
        <source>Sa&amp;ve the files</source>
        <translation>En&amp;registrer les fichiers</translation>
    </message>
    <message>
        <source>Tick at least one file.</source>
        <translation>Cochez au moins un fichier.</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>Votre &amp;nom :</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <source>Shown to the people you write to; every settings file carries it</source>
        <translation>Vu par vos destinataires ; chaque fichier de paramètres le contient</translation>
    </message>
    <message>
        <source>the email address</source>
        <translation>l’adresse électronique</translation>
    </message>
    <message>
        <source>Protocol:</source>
        <translation>Protocole :</translation>
    </message>
    <message>
        <source>Server name:</source>
        <translation>Nom du serveur :</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port :</translation>
    </message>
    <message>
        <source>Connection security:</source>
        <translation>Sécurité de la connexion :</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Nom d’utilisateur :</translation>
    </message>
    <message>
        <source>Enter the servers yourself</source>
        <translation>Saisir les serveurs vous-même</translation>
    </message>
    <message>
        <source>Type what your provider or administrator gave you. mailhop then checks exactly these servers, with the same certificate checks as always, before any password is sent.</source>
        <translation>Saisissez ce que votre fournisseur ou votre administrateur vous a donné. mailhop vérifie alors exactement ces serveurs, avec les mêmes vérifications de certificat que toujours, avant d’envoyer un mot de passe.</translation>
    </message>
    <message>
        <source>Receiving (incoming server)</source>
        <translation>Réception (serveur entrant)</translation>
    </message>
    <message>
        <source>Sending (outgoing server, SMTP)</source>
        <translation>Envoi (serveur sortant, SMTP)</translation>
    </message>
    <message>
        <source>Problem with the settings</source>
        <translation>Problème dans les paramètres</translation>
    </message>
    <message>
        <source>Check &amp;these servers</source>
        <translation>Vérifier &amp;ces serveurs</translation>
    </message>
    <message>
        <source>Check these servers</source>
        <translation>Vérifier ces serveurs</translation>
    </message>
    <message>
        <source>Receiving server: {problem}</source>
        <translation>Serveur entrant : {problem}</translation>
    </message>
    <message>
        <source>Sending server: {problem}</source>
        <translation>Serveur sortant : {problem}</translation>
    </message>
    <message>
        <source>Enter the servers for {address}</source>
        <translation>Saisir les serveurs pour {address}</translation>
    </message>
    <message>
        <source>Enter the servers &amp;yourself…</source>
        <translation>Saisir les serveurs &amp;vous-même…</translation>
    </message>
    <message>
        <source>When nothing is published, or you know the settings better</source>
        <translation>Quand rien n’est publié, ou si vous connaissez mieux les paramètres</translation>
    </message>
    <message>
        <source>Back to this step</source>
        <translation>Revenir à cette étape</translation>
    </message>
    <message>
        <source>Type your email address first.</source>
        <translation>Saisissez d’abord votre adresse électronique.</translation>
    </message>
    <message>
        <source>&amp;Use in a mail app…</source>
        <translation>&amp;Utiliser dans une application de messagerie…</translation>
    </message>
    <message>
        <source>Use the selected account in a mail app</source>
        <translation>Utiliser le compte choisi dans une application de messagerie</translation>
    </message>
    <message>
        <source>Next: ask your provider or administrator for the right settings and enter the servers yourself, or check the address again later.</source>
        <translation>Ensuite : demandez les bons paramètres à votre fournisseur ou à votre administrateur et saisissez les serveurs vous-même, ou vérifiez l’adresse plus tard.</translation>
    </message>
    <message>
        <source>Next: read the question below; only if you trust those servers, approve them and continue to sign in.</source>
        <translation>Ensuite : lisez la question ci-dessous ; seulement si vous faites confiance à ces serveurs, approuvez-les et passez à la connexion.</translation>
    </message>
    <message>
        <source>Next: sign in once, then set up your mail app with one file.</source>
        <translation>Ensuite : connectez-vous une fois, puis configurez votre application de messagerie avec un seul fichier.</translation>
    </message>
    <message>
        <source>Show de&amp;tails for your helpdesk</source>
        <translation>Afficher les dé&amp;tails pour votre support</translation>
    </message>
    <message>
        <source>Hide my name in the report</source>
        <translation>Masquer mon nom dans le rapport</translation>
    </message>
    <message>
        <source>Show details for your helpdesk</source>
        <translation>Afficher les détails pour votre support</translation>
    </message>
</context>
</TS>
