"""The public face: the help center at /help/ and the customer portal at /help/portal/."""
