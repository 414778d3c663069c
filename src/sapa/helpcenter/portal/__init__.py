"""The customer portal: sign-in by emailed link, a customer's tickets from every channel,
replies from the web, and the "Kirim permintaan" request form with article suggestions."""
