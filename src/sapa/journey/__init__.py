"""The customer journey: each customer's lifecycle stage with its history (who or which rule
moved them, when and why), the shop's journey signals (cart, quote, intent), the per-customer
summary that keeps the funnel report cheap, and the funnel report itself. docs/journey.md."""
