"""Reviews and testimonials: customers rate delivered orders through a signed link (or the
shop sends reviews it collected), supervisors moderate and reply, and approved reviews are
published on the help center, as public JSON and through an embeddable widget."""
