"""The command-line front end: arguments, text renderers and the JSON writers."""
