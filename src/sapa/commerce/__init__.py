"""Commerce: the shop's orders and shipments as Sapa knows them (imported, never invented)."""
