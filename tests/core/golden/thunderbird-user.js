// Thunderbird account settings made by mailhop; there is no password in this file.
// Put user.js into a NEW, empty Thunderbird profile folder before its first start.
// Thunderbird re-applies user.js at every start: a setting changed later in the
// account settings is overwritten on the next start. Once the account works,
// delete user.js so that changes made in Thunderbird stick.
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.hostname", "mail.example.com");
user_pref("mail.server.server1.port", 993);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.authMethod", 3);
user_pref("mail.server.server1.userName", "jo@example.com");
user_pref("mail.server.server1.name", "jo@example.com");
user_pref("mail.server.server1.login_at_startup", true);
user_pref("mail.server.server1.check_new_mail", true);
user_pref("mail.server.server1.check_time", 10);
user_pref("mail.identity.id1.useremail", "jo@example.com");
user_pref("mail.identity.id1.fullName", "Jo Example");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "mail.example.com");
user_pref("mail.smtpserver.smtp1.port", 587);
user_pref("mail.smtpserver.smtp1.try_ssl", 2);
user_pref("mail.smtpserver.smtp1.authMethod", 3);
user_pref("mail.smtpserver.smtp1.username", "jo@example.com");
user_pref("mail.smtpserver.smtp1.description", "jo@example.com");
