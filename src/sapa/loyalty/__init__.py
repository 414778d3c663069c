"""After-sale sequences and promo codes: a thank-you (with a code) when an order is
delivered, a review request some days later, a win-back for customers gone quiet, and the
single-use codes the shop's checkout validates and redeems (docs/after-sale.md)."""
