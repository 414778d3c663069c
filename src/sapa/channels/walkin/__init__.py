"""The walk-in channel: customers who come to a store, a kiosk or an event stand. A clerk
(or a self-service kiosk through the API) logs the visit; it lands in the customer's ticket
and timeline as an inbound message on channel `walkin`, like any channel's."""
