"""Demo: "Toko Buku Sapa", an Indonesian online bookshop, loaded through the same actions
every channel uses so that a newcomer sees Sapa as it will be used."""
