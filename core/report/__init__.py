"""The helpdesk report: one check as a typed model, rendered as HTML, PDF and text."""
