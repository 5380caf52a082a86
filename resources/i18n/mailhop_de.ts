<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name></name>
    <message>
        <source>mailhop {version}

Sets up a mail account securely from nothing but an email address.

Licence: {licence}
Passwords are kept in: {keyring}

Python {python}, Qt for Python {qt}</source>
        <translation>mailhop {version}

Richtet ein E-Mail-Konto sicher ein – allein aus der E-Mail-Adresse.

Lizenz: {licence}
Passwörter werden aufbewahrt in: {keyring}

Python {python}, Qt for Python {qt}</translation>
    </message>
    <message>
        <source>none usable. {why}</source>
        <translation>keiner nutzbar. {why}</translation>
    </message>
    <message>
        <source>About mailhop</source>
        <translation>Über mailhop</translation>
    </message>
    <message>
        <source>looking…</source>
        <translation>wird gesucht…</translation>
    </message>
    <message>
        <source>unknown ({kind})</source>
        <translation>unbekannt ({kind})</translation>
    </message>
    <message>
        <source>the demo keyring (in memory, gone when the demo ends)</source>
        <translation>dem Demo-Schlüsselbund (im Arbeitsspeicher, mit dem Ende der Demo gelöscht)</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Saved accounts</source>
        <translation>Gespeicherte Konten</translation>
    </message>
    <message>
        <source>Account details and re-check result</source>
        <translation>Kontodetails und Ergebnis der erneuten Prüfung</translation>
    </message>
    <message>
        <source>&amp;Re-check</source>
        <translation>&amp;Erneut prüfen</translation>
    </message>
    <message>
        <source>Re-check the selected account</source>
        <translation>Das gewählte Konto erneut prüfen</translation>
    </message>
    <message>
        <source>&amp;Forget…</source>
        <translation>&amp;Vergessen…</translation>
    </message>
    <message>
        <source>Forget the selected account</source>
        <translation>Das gewählte Konto vergessen</translation>
    </message>
    <message>
        <source>(unreadable) {why}</source>
        <translation>(nicht lesbar) {why}</translation>
    </message>
    <message>
        <source>Saved accounts: {n}.</source>
        <translation>Gespeicherte Konten: {n}.</translation>
    </message>
    <message>
        <source>No saved accounts yet. Set one up from the main window.</source>
        <translation>Noch keine gespeicherten Konten. Richten Sie eines im Hauptfenster ein.</translation>
    </message>
    <message>
        <source>checked {when}, verdict {verdict}</source>
        <translation>geprüft {when}, Ergebnis {verdict}</translation>
    </message>
    <message>
        <source>receive: {service} {host}:{port} {security}, as {user}</source>
        <translation>Empfang: {service} {host}:{port} {security}, als {user}</translation>
    </message>
    <message>
        <source>send: {host}:{port} {security}, as {user}</source>
        <translation>Versand: {host}:{port} {security}, als {user}</translation>
    </message>
    <message>
        <source>Re-checking…</source>
        <translation>Wird erneut geprüft…</translation>
    </message>
    <message>
        <source>Now blocked: {why}. The saved settings are unchanged.</source>
        <translation>Jetzt gesperrt: {why}. Die gespeicherten Einstellungen bleiben unverändert.</translation>
    </message>
    <message>
        <source>No differences since the last check.</source>
        <translation>Keine Unterschiede seit der letzten Prüfung.</translation>
    </message>
    <message>
        <source>Differences: {n}; nothing was changed:</source>
        <translation>Unterschiede: {n}; nichts wurde geändert:</translation>
    </message>
    <message>
        <source>Set the account up again to accept the new settings.</source>
        <translation>Richten Sie das Konto neu ein, um die neuen Einstellungen zu übernehmen.</translation>
    </message>
    <message>
        <source>Forget this account?</source>
        <translation>Dieses Konto vergessen?</translation>
    </message>
    <message>
        <source>Remove the password of {address} from {keyring} and delete its saved settings? Your mail and your mail clients are not touched.</source>
        <translation>Das Passwort von {address} aus {keyring} entfernen und die gespeicherten Einstellungen löschen? Ihre E-Mails und Ihre E-Mail-Programme bleiben unberührt.</translation>
    </message>
    <message>
        <source>Removed the profile {path} and keyring entries: {n}.</source>
        <translation>Profil {path} entfernt, Einträge im Schlüsselbund entfernt: {n}.</translation>
    </message>
    <message>
        <source>Removed keyring entries: {n}; the profile could not be removed: {why}.</source>
        <translation>Einträge im Schlüsselbund entfernt: {n}; das Profil konnte nicht entfernt werden: {why}.</translation>
    </message>
    <message>
        <source>Could not finish: {m}</source>
        <translation>Konnte nicht abgeschlossen werden: {m}</translation>
    </message>
    <message>
        <source>matched</source>
        <translation>stimmt überein</translation>
    </message>
    <message>
        <source>does not match</source>
        <translation>stimmt nicht überein</translation>
    </message>
    <message>
        <source>bogus (DNSSEC validation failed)</source>
        <translation>ungültig (DNSSEC-Prüfung fehlgeschlagen)</translation>
    </message>
    <message>
        <source>not applicable</source>
        <translation>nicht anwendbar</translation>
    </message>
    <message>
        <source>no usable records</source>
        <translation>keine verwendbaren Einträge</translation>
    </message>
    <message>
        <source>{host} port {port}, {security}</source>
        <translation>{host} Port {port}, {security}</translation>
    </message>
    <message>
        <source>connected to {peer}, {tls}</source>
        <translation>verbunden mit {peer}, {tls}</translation>
    </message>
    <message>
        <source>no TLS</source>
        <translation>kein TLS</translation>
    </message>
    <message>
        <source>verified by: {how}</source>
        <translation>geprüft durch: {how}</translation>
    </message>
    <message>
        <source>nothing: NOT verified</source>
        <translation>nichts: NICHT geprüft</translation>
    </message>
    <message>
        <source>this computer&apos;s trust store: the certificate verifies</source>
        <translation>Zertifikatsspeicher dieses Computers: das Zertifikat ist gültig</translation>
    </message>
    <message>
        <source>this computer&apos;s trust store: fails: {why}</source>
        <translation>Zertifikatsspeicher dieses Computers: ungültig: {why}</translation>
    </message>
    <message>
        <source>no TLSA record</source>
        <translation>kein TLSA-Eintrag</translation>
    </message>
    <message>
        <source>No certificate was received.</source>
        <translation>Es wurde kein Zertifikat empfangen.</translation>
    </message>
    <message>
        <source>subject: {subject}</source>
        <translation>Inhaber: {subject}</translation>
    </message>
    <message>
        <source>issuer: {issuer}</source>
        <translation>Aussteller: {issuer}</translation>
    </message>
    <message>
        <source>names: {names}</source>
        <translation>Namen: {names}</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>valid until: {date} ({days} days left)</source>
        <translation>gültig bis: {date} (noch {days} Tage)</translation>
    </message>
    <message>
        <source>key: {key}; signature: {signature}</source>
        <translation>Schlüssel: {key}; Signatur: {signature}</translation>
    </message>
    <message>
        <source>key pin (SPKI SHA-256): {pin}</source>
        <translation>Schlüssel-Pin (SPKI SHA-256): {pin}</translation>
    </message>
    <message>
        <source>chain as presented (server first):</source>
        <translation>Kette wie vorgelegt (Server zuerst):</translation>
    </message>
    <message>
        <source>problems:</source>
        <translation>Probleme:</translation>
    </message>
    <message>
        <source>Certificate: {title}</source>
        <translation>Zertifikat: {title}</translation>
    </message>
    <message>
        <source>Certificate details</source>
        <translation>Zertifikatsdetails</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>Erweiterte Einstellungen</translation>
    </message>
    <message>
        <source>the system&apos;s resolver (for example 192.0.2.53:53)</source>
        <translation>der Resolver des Systems (zum Beispiel 192.0.2.53:53)</translation>
    </message>
    <message>
        <source>IANA&apos;s root keys, shipped with mailhop</source>
        <translation>die Root-Schlüssel der IANA, mit mailhop geliefert</translation>
    </message>
    <message>
        <source>none: only this computer&apos;s trust store</source>
        <translation>keine: nur der Zertifikatsspeicher dieses Computers</translation>
    </message>
    <message>
        <source>Thunderbird&apos;s provider database</source>
        <translation>die Anbieterdatenbank von Thunderbird</translation>
    </message>
    <message>
        <source>Allow .test domains (labs and demos)</source>
        <translation>.test-Domains erlauben (Labore und Demos)</translation>
    </message>
    <message>
        <source>DNS &amp;resolver:</source>
        <translation>DNS-&amp;Resolver:</translation>
    </message>
    <message>
        <source>DNSSEC &amp;trust anchor file:</source>
        <translation>DNSSEC-&amp;Vertrauensanker (Datei):</translation>
    </message>
    <message>
        <source>Extra &amp;CA file:</source>
        <translation>Zusätzliche &amp;CA-Datei:</translation>
    </message>
    <message>
        <source>&amp;Provider database URL:</source>
        <translation>URL der &amp;Anbieterdatenbank:</translation>
    </message>
    <message>
        <source>&amp;Deadline:</source>
        <translation>&amp;Zeitlimit:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Empty fields use the defaults. The values are checked when a check starts. A new language is used the next time mailhop starts.</source>
        <translation>Leere Felder verwenden die Standardwerte. Die Werte werden beim Start einer Prüfung geprüft. Eine neue Sprache gilt ab dem nächsten Start von mailhop.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Your device → outgoing server (sending)</source>
        <translation>Ihr Gerät → Postausgangsserver (Senden)</translation>
    </message>
    <message>
        <source>Server → server (mail to your domain)</source>
        <translation>Server → Server (Mail an Ihre Domain)</translation>
    </message>
    <message>
        <source>Incoming server → your devices (receiving)</source>
        <translation>Posteingangsserver → Ihre Geräte (Empfangen)</translation>
    </message>
    <message>
        <source>then</source>
        <translation>dann</translation>
    </message>
    <message>
        <source>you@example.com</source>
        <translation>sie@example.com</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>E-Mail-Adresse</translation>
    </message>
    <message>
        <source>The address of the account to set up. Press Enter to check it.</source>
        <translation>Die Adresse des einzurichtenden Kontos. Mit der Eingabetaste prüfen.</translation>
    </message>
    <message>
        <source>Problem with the address</source>
        <translation>Problem mit der Adresse</translation>
    </message>
    <message>
        <source>&amp;Check this address</source>
        <translation>Adresse &amp;prüfen</translation>
    </message>
    <message>
        <source>Check this address</source>
        <translation>Adresse prüfen</translation>
    </message>
    <message>
        <source>Your &amp;email address:</source>
        <translation>Ihre &amp;E-Mail-Adresse:</translation>
    </message>
    <message>
        <source>mailhop asks the address&apos;s own domain how mail clients must reach it, checks every server it names, and tells you what it found before any password is sent.</source>
        <translation>mailhop fragt die Domain der Adresse selbst, wie E-Mail-Programme sie erreichen sollen, prüft jeden genannten Server und zeigt Ihnen das Ergebnis, bevor ein Passwort gesendet wird.</translation>
    </message>
    <message>
        <source>Set up a mail account</source>
        <translation>E-Mail-Konto einrichten</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>What is happening now</source>
        <translation>Was gerade geschieht</translation>
    </message>
    <message>
        <source>Overall progress</source>
        <translation>Gesamtfortschritt</translation>
    </message>
    <message>
        <source>Sources and servers being checked</source>
        <translation>Geprüfte Quellen und Server</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the check</source>
        <translation>Prüfung abbrechen</translation>
    </message>
    <message>
        <source>Checking {address}</source>
        <translation>Prüfe {address}</translation>
    </message>
    <message>
        <source>Asking every published source at once…</source>
        <translation>Alle veröffentlichten Quellen werden gleichzeitig abgefragt…</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>läuft…</translation>
    </message>
    <message>
        <source>{done} of {total} done, {running} running, at most {left} left</source>
        <translation>{done} von {total} fertig, {running} laufen, höchstens noch {left}</translation>
    </message>
    <message>
        <source>Could not check</source>
        <translation>Nicht prüfbar</translation>
    </message>
    <message>
        <source>Could not check from this computer</source>
        <translation>Von diesem Computer aus nicht prüfbar</translation>
    </message>
    <message>
        <source>Ready to set up</source>
        <translation>Bereit zur Einrichtung</translation>
    </message>
    <message>
        <source>Usable, but read the warnings</source>
        <translation>Nutzbar, aber lesen Sie die Warnungen</translation>
    </message>
    <message>
        <source>This account cannot be set up safely</source>
        <translation>Dieses Konto lässt sich nicht sicher einrichten</translation>
    </message>
    <message>
        <source>Where each setting came from</source>
        <translation>Herkunft jeder Einstellung</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Where it came from</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>Findings; expand one for the helpdesk details</source>
        <translation>Befunde; aufklappen für die Details für den Support</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Your approval is needed</source>
        <translation>Ihre Zustimmung ist nötig</translation>
    </message>
    <message>
        <source>Certificate of the &amp;incoming server…</source>
        <translation>Zertifikat des &amp;Posteingangsservers…</translation>
    </message>
    <message>
        <source>Certificate of the &amp;outgoing server…</source>
        <translation>Zertifikat des P&amp;ostausgangsservers…</translation>
    </message>
    <message>
        <source>Copy the report for a &amp;helpdesk</source>
        <translation>Bericht für den &amp;Support kopieren</translation>
    </message>
    <message>
        <source>&amp;Report for your helpdesk…</source>
        <translation>&amp;Bericht für den Support speichern…</translation>
    </message>
    <message>
        <source>Hide my &amp;name (before the @) in the report</source>
        <translation>Meinen &amp;Namen (vor dem @) im Bericht verbergen</translation>
    </message>
    <message>
        <source>Saving the report…</source>
        <translation>Bericht wird gespeichert…</translation>
    </message>
    <message>
        <source>Save the report for your helpdesk</source>
        <translation>Bericht für den Support speichern</translation>
    </message>
    <message>
        <source>Web page (*.html);;PDF (*.pdf)</source>
        <translation>Webseite (*.html);;PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Report not saved</source>
        <translation>Bericht nicht gespeichert</translation>
    </message>
    <message>
        <source>The report could not be saved: {why}</source>
        <translation>Der Bericht konnte nicht gespeichert werden: {why}</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <source>Continue to &amp;sign in</source>
        <translation>Weiter zur &amp;Anmeldung</translation>
    </message>
    <message>
        <source>The three ways, with their codes</source>
        <translation>Die drei Wege, mit ihren Kürzeln</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Befunde</translation>
    </message>
    <message>
        <source>Checked {address} in {time}. No password was used.</source>
        <translation>{address} in {time} geprüft. Es wurde kein Passwort verwendet.</translation>
    </message>
    <message>
        <source>Nothing can be set up: {why}.</source>
        <translation>Es kann nichts eingerichtet werden: {why}.</translation>
    </message>
    <message>
        <source>Incoming server</source>
        <translation>Posteingangsserver</translation>
    </message>
    <message>
        <source>Outgoing server</source>
        <translation>Postausgangsserver</translation>
    </message>
    <message>
        <source>from the settings</source>
        <translation>aus den Einstellungen</translation>
    </message>
    <message>
        <source>your address (the usual rule)</source>
        <translation>Ihre Adresse (die übliche Regel)</translation>
    </message>
    <message>
        <source>user name: {user}</source>
        <translation>Benutzername: {user}</translation>
    </message>
    <message>
        <source>Nothing to report.</source>
        <translation>Nichts zu melden.</translation>
    </message>
    <message>
        <source>Yes, I trust {domain} with my password</source>
        <translation>Ja, ich vertraue {domain} mein Passwort an</translation>
    </message>
    <message>
        <source>incoming server</source>
        <translation>Posteingangsserver</translation>
    </message>
    <message>
        <source>outgoing server</source>
        <translation>Postausgangsserver</translation>
    </message>
    <message>
        <source>Copied the report</source>
        <translation>Bericht kopiert</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Sent only to the verified servers shown, then kept only in the keyring</source>
        <translation>Wird nur an die angezeigten, geprüften Server gesendet und danach nur im Schlüsselbund aufbewahrt</translation>
    </message>
    <message>
        <source>Client &amp;ID (only if your administrator gave you one):</source>
        <translation>Client-&amp;ID (nur falls Ihre Administration Ihnen eine gegeben hat):</translation>
    </message>
    <message>
        <source>OAuth2 client ID</source>
        <translation>OAuth2-Client-ID</translation>
    </message>
    <message>
        <source>For providers that need a registered client; mailhop ships none of its own</source>
        <translation>Für Anbieter, die einen registrierten Client verlangen; mailhop bringt keine eigene mit</translation>
    </message>
    <message>
        <source>Sign in and &amp;save</source>
        <translation>Anmelden und &amp;speichern</translation>
    </message>
    <message>
        <source>Sign in and save</source>
        <translation>Anmelden und speichern</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Cancel the sign-in test</source>
        <translation>Anmeldetest abbrechen</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Login tests</source>
        <translation>Anmeldetests</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>The servers&apos; own words (not mailhop&apos;s)</source>
        <translation>Wortlaut der Server (nicht von mailhop)</translation>
    </message>
    <message>
        <source>Messages from the servers</source>
        <translation>Meldungen der Server</translation>
    </message>
    <message>
        <source>This provider signs in with OAuth2: mailhop opens the provider&apos;s own sign-in page in your browser and never sees your password. Once you have signed in there, mailhop tests receiving and sending at {incoming} and {outgoing} and keeps only the sign-in token, in {keyring}.</source>
        <translation>Dieser Anbieter meldet mit OAuth2 an: mailhop öffnet die Anmeldeseite des Anbieters in Ihrem Browser und sieht Ihr Passwort nie. Sobald Sie sich dort angemeldet haben, testet mailhop Empfangen und Senden bei {incoming} und {outgoing} und behält nur das Anmelde-Token, in {keyring}.</translation>
    </message>
    <message>
        <source>Sign in with the &amp;browser</source>
        <translation>Mit dem &amp;Browser anmelden</translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation>Mit dem Browser anmelden</translation>
    </message>
    <message>
        <source>Finding your provider&apos;s sign-in page…</source>
        <translation>Anmeldeseite Ihres Anbieters wird gesucht…</translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation>Anmeldung läuft</translation>
    </message>
    <message>
        <source>Use it in your mail &amp;client →</source>
        <translation>Im &amp;E-Mail-Programm verwenden →</translation>
    </message>
    <message>
        <source>Use it in your mail client</source>
        <translation>Im E-Mail-Programm verwenden</translation>
    </message>
    <message>
        <source>Sign in as {address}</source>
        <translation>Anmelden als {address}</translation>
    </message>
    <message>
        <source>mailhop tests your password at {incoming} and {outgoing}, over the verified connections shown before, and keeps it only in {keyring}. It is never written to a file.</source>
        <translation>mailhop testet Ihr Passwort bei {incoming} und {outgoing} über die zuvor gezeigten, geprüften Verbindungen und bewahrt es nur in {keyring} auf. Es wird nie in eine Datei geschrieben.</translation>
    </message>
    <message>
        <source>This is the demo: its password is {hint}</source>
        <translation>Dies ist die Demo: ihr Passwort lautet {hint}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Type the password first.</source>
        <translation>Geben Sie zuerst das Passwort ein.</translation>
    </message>
    <message>
        <source>Testing the sign-in…</source>
        <translation>Anmeldung wird getestet…</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>angemeldet</translation>
    </message>
    <message>
        <source>sign-in failed</source>
        <translation>Anmeldung fehlgeschlagen</translation>
    </message>
    <message>
        <source>The sign-in token is in {keyring}, under: {entries}.</source>
        <translation>Das Anmelde-Token liegt in {keyring}, unter: {entries}.</translation>
    </message>
    <message>
        <source>The password is in {keyring}, under: {entries}.</source>
        <translation>Das Passwort liegt in {keyring}, unter: {entries}.</translation>
    </message>
    <message>
        <source>service {service}, user {user}</source>
        <translation>Dienst {service}, Benutzer {user}</translation>
    </message>
    <message>
        <source>The settings (no password) are in {path}.</source>
        <translation>Die Einstellungen (ohne Passwort) liegen in {path}.</translation>
    </message>
    <message>
        <source>Your browser shows the sign-in page of {host}. Sign in there; mailhop waits until {until}. Cancel stops waiting.</source>
        <translation>Ihr Browser zeigt die Anmeldeseite von {host}. Melden Sie sich dort an; mailhop wartet bis {until}. „Abbrechen“ beendet das Warten.</translation>
    </message>
    <message>
        <source>Cancelled: no sign-in was stored and nothing was saved.</source>
        <translation>Abgebrochen: Keine Anmeldung wurde gespeichert und nichts gesichert.</translation>
    </message>
    <message>
        <source>Cancelled: no password was stored and nothing was saved.</source>
        <translation>Abgebrochen: Es wurde kein Passwort abgelegt und nichts gespeichert.</translation>
    </message>
    <message>
        <source>Folder for the files</source>
        <translation>Ordner für die Dateien</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>&amp;Wählen…</translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>Save into:</source>
        <translation>Speichern in:</translation>
    </message>
    <message>
        <source>Sign the Apple profile (optional)</source>
        <translation>Apple-Profil signieren (optional)</translation>
    </message>
    <message>
        <source>Sign the Apple profile</source>
        <translation>Apple-Profil signieren</translation>
    </message>
    <message>
        <source>Certificate (PEM)</source>
        <translation>Zertifikat (PEM)</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Privater Schlüssel (PEM)</translation>
    </message>
    <message>
        <source>Intermediates (PEM)</source>
        <translation>Zwischenzertifikate (PEM)</translation>
    </message>
    <message>
        <source>Copy a &amp;summary for a helpdesk ticket</source>
        <translation>&amp;Zusammenfassung für ein Support-Ticket kopieren</translation>
    </message>
    <message>
        <source>Copy a summary for a helpdesk ticket</source>
        <translation>Zusammenfassung für ein Support-Ticket kopieren</translation>
    </message>
    <message>
        <source>&amp;Done</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Saved files</source>
        <translation>Gespeicherte Dateien</translation>
    </message>
    <message>
        <source>QR code for Thunderbird for Android</source>
        <translation>QR-Code für Thunderbird für Android</translation>
    </message>
    <message>
        <source>Thunderbird for Android</source>
        <translation>Thunderbird für Android</translation>
    </message>
    <message>
        <source>Use {address} in your mail client</source>
        <translation>{address} im E-Mail-Programm verwenden</translation>
    </message>
    <message>
        <source>Save the files into</source>
        <translation>Dateien speichern in</translation>
    </message>
    <message>
        <source>Signing needs a certificate and its private key.</source>
        <translation>Zum Signieren sind ein Zertifikat und sein privater Schlüssel nötig.</translation>
    </message>
    <message>
        <source>A plain summary of the settings is on the clipboard.</source>
        <translation>Eine einfache Zusammenfassung der Einstellungen ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>[… shortened: {n} more characters not shown]</source>
        <translation>[… gekürzt: {n} weitere Zeichen nicht angezeigt]</translation>
    </message>
    <message>
        <source>[… shortened]</source>
        <translation>[… gekürzt]</translation>
    </message>
    <message>
        <source>{host} said: {words}</source>
        <translation>{host} meldete: {words}</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>Verwenden</translation>
    </message>
    <message>
        <source>your system keyring</source>
        <translation>dem Schlüsselbund Ihres Systems</translation>
    </message>
    <message>
        <source>This step could not run: {words}. Nothing was saved.</source>
        <translation>Dieser Schritt konnte nicht ausgeführt werden: {words}. Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Something went wrong inside mailhop, so this step did not finish. Nothing was saved and no password was sent.

What happened: {words} ({kind})

Please report this; the technical details are in the program&apos;s log.</source>
        <translation>In mailhop ist ein Fehler aufgetreten, daher wurde dieser Schritt nicht abgeschlossen. Es wurde nichts gespeichert und kein Passwort gesendet.

Was geschah: {words} ({kind})

Bitte melden Sie das; die technischen Details stehen im Protokoll des Programms.</translation>
    </message>
    <message>
        <source>&amp;Accounts</source>
        <translation>&amp;Konten</translation>
    </message>
    <message>
        <source>&amp;Saved accounts…</source>
        <translation>&amp;Gespeicherte Konten…</translation>
    </message>
    <message>
        <source>&amp;Advanced settings…</source>
        <translation>&amp;Erweiterte Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About mailhop</source>
        <translation>Ü&amp;ber mailhop</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Cancelled: nothing was saved and no password was used.</source>
        <translation>Abgebrochen: Es wurde nichts gespeichert und kein Passwort verwendet.</translation>
    </message>
    <message>
        <source>The check was cancelled. Nothing was saved.</source>
        <translation>Die Prüfung wurde abgebrochen. Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Done in {time}</source>
        <translation>Fertig in {time}</translation>
    </message>
    <message>
        <source>Stopped by an error</source>
        <translation>Durch einen Fehler beendet</translation>
    </message>
    <message>
        <source>mailhop could not finish</source>
        <translation>mailhop konnte nicht abschließen</translation>
    </message>
    <message>
        <source>This password cannot be used: {why}.</source>
        <translation>Dieses Passwort kann nicht verwendet werden: {why}.</translation>
    </message>
    <message>
        <source>Approve the sign-in service?</source>
        <translation>Den Anmeldedienst genehmigen?</translation>
    </message>
    <message>
        <source>Nothing was saved: {m}</source>
        <translation>Es wurde nichts gespeichert: {m}</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>Publish a domain&apos;s settings</source>
        <translation>Einstellungen einer Domain veröffentlichen</translation>
    </message>
    <message>
        <source>the whole address</source>
        <translation>die ganze Adresse</translation>
    </message>
    <message>
        <source>the part before the @</source>
        <translation>der Teil vor dem @</translation>
    </message>
    <message>
        <source>testing (reports first)</source>
        <translation>testing (zuerst Berichte)</translation>
    </message>
    <message>
        <source>enforce</source>
        <translation>enforce (durchsetzen)</translation>
    </message>
    <message>
        <source>Accept a certificate only DANE-EE vouches for</source>
        <translation>Ein Zertifikat akzeptieren, für das nur DANE-EE bürgt</translation>
    </message>
    <message>
        <source>What to publish</source>
        <translation>Was zu veröffentlichen ist</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <source>&amp;Save files…</source>
        <translation>Dateien &amp;speichern…</translation>
    </message>
    <message>
        <source>Name at least one server.</source>
        <translation>Nennen Sie mindestens einen Server.</translation>
    </message>
    <message>
        <source>Connecting to each server (no login)…</source>
        <translation>Verbinde mit jedem Server (ohne Anmeldung)…</translation>
    </message>
    <message>
        <source>Publish these records and files; the README says where.</source>
        <translation>Veröffentlichen Sie diese Einträge und Dateien; die README sagt, wo.</translation>
    </message>
    <message>
        <source>host names, separated by spaces</source>
        <translation>Hostnamen, durch Leerzeichen getrennt</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domainname:</translation>
    </message>
    <message>
        <source>&amp;IMAP servers:</source>
        <translation>&amp;IMAP-Server:</translation>
    </message>
    <message>
        <source>&amp;POP3 servers:</source>
        <translation>&amp;POP3-Server:</translation>
    </message>
    <message>
        <source>S&amp;ubmission servers:</source>
        <translation>S&amp;ubmission-Server:</translation>
    </message>
    <message>
        <source>&amp;MX hosts:</source>
        <translation>&amp;MX-Hosts:</translation>
    </message>
    <message>
        <source>Users sign in &amp;with:</source>
        <translation>Benutzer melden sich an &amp;mit:</translation>
    </message>
    <message>
        <source>MTA-STS m&amp;ode:</source>
        <translation>MTA-STS-M&amp;odus:</translation>
    </message>
    <message>
        <source>Nothing can be published: these servers would make clients less safe.</source>
        <translation>Nichts kann veröffentlicht werden: Diese Server würden Mail-Programme unsicherer machen.</translation>
    </message>
    <message>
        <source>Generating failed: {error}</source>
        <translation>Das Erzeugen ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>{count} files written to {folder}.</source>
        <translation>{count} Dateien in {folder} geschrieben.</translation>
    </message>
    <message>
        <source>&amp;Publish a domain&apos;s settings…</source>
        <translation>Einstellungen einer Domain &amp;veröffentlichen…</translation>
    </message>
    <message>
        <source>For a&amp;dministrators</source>
        <translation>Für A&amp;dministratoren</translation>
    </message>
    <message>
        <source>Your mail app</source>
        <translation>Ihr Mailprogramm</translation>
    </message>
    <message>
        <source>Your &amp;mail app:</source>
        <translation>Ihr &amp;Mailprogramm:</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Type these values</source>
        <translation>Tragen Sie diese Werte ein</translation>
    </message>
    <message>
        <source>Show the &amp;files for administrators</source>
        <translation>&amp;Dateien für Administratoren zeigen</translation>
    </message>
    <message>
        <source>Show the files for administrators</source>
        <translation>Dateien für Administratoren zeigen</translation>
    </message>
    <message>
        <source>For administrators (publishing the settings)</source>
        <translation>Für Administratoren (Einstellungen veröffentlichen)</translation>
    </message>
    <message>
        <source>Save the ticked files</source>
        <translation>Angekreuzte Dateien speichern</translation>
    </message>
    <message>
        <source>Save the ticked files for administrators</source>
        <translation>Angekreuzte Dateien für Administratoren speichern</translation>
    </message>
    <message>
        <source>Sa&amp;ve the file</source>
        <translation>Datei s&amp;peichern</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>Datei speichern</translation>
    </message>
    <message>
        <source>Save and &amp;open it</source>
        <translation>Speichern und ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Save the file and open it</source>
        <translation>Datei speichern und öffnen</translation>
    </message>
    <message>
        <source>Sa&amp;ve the files</source>
        <translation>Dateien s&amp;peichern</translation>
    </message>
    <message>
        <source>Tick at least one file.</source>
        <translation>Kreuzen Sie mindestens eine Datei an.</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>Ihr &amp;Name:</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>Shown to the people you write to; every settings file carries it</source>
        <translation>Sehen die Empfänger Ihrer Mails; jede Einstellungsdatei enthält ihn</translation>
    </message>
    <message>
        <source>the email address</source>
        <translation>die E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Protocol:</source>
        <translation>Protokoll:</translation>
    </message>
    <message>
        <source>Server name:</source>
        <translation>Servername:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Connection security:</source>
        <translation>Verbindungssicherheit:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Benutzername:</translation>
    </message>
    <message>
        <source>Enter the servers yourself</source>
        <translation>Server selbst eingeben</translation>
    </message>
    <message>
        <source>Type what your provider or administrator gave you. mailhop then checks exactly these servers, with the same certificate checks as always, before any password is sent.</source>
        <translation>Tragen Sie ein, was Ihr Anbieter oder Administrator Ihnen gegeben hat. mailhop prüft dann genau diese Server, mit denselben Zertifikatsprüfungen wie immer, bevor ein Passwort gesendet wird.</translation>
    </message>
    <message>
        <source>Receiving (incoming server)</source>
        <translation>Empfangen (Posteingangs-Server)</translation>
    </message>
    <message>
        <source>Sending (outgoing server, SMTP)</source>
        <translation>Senden (Postausgangs-Server, SMTP)</translation>
    </message>
    <message>
        <source>Problem with the settings</source>
        <translation>Problem mit den Einstellungen</translation>
    </message>
    <message>
        <source>Check &amp;these servers</source>
        <translation>&amp;Diese Server prüfen</translation>
    </message>
    <message>
        <source>Check these servers</source>
        <translation>Diese Server prüfen</translation>
    </message>
    <message>
        <source>Receiving server: {problem}</source>
        <translation>Posteingangs-Server: {problem}</translation>
    </message>
    <message>
        <source>Sending server: {problem}</source>
        <translation>Postausgangs-Server: {problem}</translation>
    </message>
    <message>
        <source>Enter the servers for {address}</source>
        <translation>Server für {address} eingeben</translation>
    </message>
    <message>
        <source>Enter the servers &amp;yourself…</source>
        <translation>Server &amp;selbst eingeben…</translation>
    </message>
    <message>
        <source>When nothing is published, or you know the settings better</source>
        <translation>Wenn nichts veröffentlicht ist oder Sie die Einstellungen besser kennen</translation>
    </message>
    <message>
        <source>Back to this step</source>
        <translation>Zurück zu diesem Schritt</translation>
    </message>
    <message>
        <source>Type your email address first.</source>
        <translation>Geben Sie zuerst Ihre E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <source>&amp;Use in a mail app…</source>
        <translation>In einem Mailprogramm &amp;verwenden…</translation>
    </message>
    <message>
        <source>Use the selected account in a mail app</source>
        <translation>Das gewählte Konto in einem Mailprogramm verwenden</translation>
    </message>
    <message>
        <source>Next: ask your provider or administrator for the right settings and enter the servers yourself, or check the address again later.</source>
        <translation>Als Nächstes: Fragen Sie Ihren Anbieter oder Administrator nach den richtigen Einstellungen und geben Sie die Server selbst ein, oder prüfen Sie die Adresse später noch einmal.</translation>
    </message>
    <message>
        <source>Next: read the question below; only if you trust those servers, approve them and continue to sign in.</source>
        <translation>Als Nächstes: Lesen Sie die Frage unten; nur wenn Sie diesen Servern vertrauen, stimmen Sie zu und melden Sie sich an.</translation>
    </message>
    <message>
        <source>Next: sign in once, then set up your mail app with one file.</source>
        <translation>Als Nächstes: Melden Sie sich einmal an und richten Sie dann Ihr Mailprogramm mit einer Datei ein.</translation>
    </message>
    <message>
        <source>Show de&amp;tails for your helpdesk</source>
        <translation>De&amp;tails für Ihren Support zeigen</translation>
    </message>
    <message>
        <source>Hide my name in the report</source>
        <translation>Meinen Namen im Bericht verbergen</translation>
    </message>
    <message>
        <source>Show details for your helpdesk</source>
        <translation>Details für Ihren Support zeigen</translation>
    </message>
</context>
</TS>
