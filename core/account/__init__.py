"""From a verdict to an account: approval, the login test, the keyring, the saved profile, setup."""
