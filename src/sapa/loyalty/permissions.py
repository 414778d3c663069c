"""Which permission guards what in after-sale. sapa.accounts.permissions has no entries of
its own for it yet, so the closest existing ones stand in, each named here once:

- the after-sale settings (what every customer gets, what discounts cost the shop) are the
  admins', like the channels: MANAGE_CHANNELS;
- issuing a code by hand and voiding one, and reading the list of issued codes, are for
  supervisors and admins: MANAGE_TEAM;
- the shop's checkout validates and redeems codes with its integration token: WRITE_ORDERS.
"""

from sapa.accounts.permissions import Permission

CHANGE_SETTINGS = Permission.MANAGE_CHANNELS
MANAGE_CODES = Permission.MANAGE_TEAM
REDEEM_CODES = Permission.WRITE_ORDERS
