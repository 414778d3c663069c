"""Promises agents make to customers ("sampai besok 17:00"): shown to everyone, reminded
before they fall due, confirmed kept or broken, optionally followed up with the customer."""
