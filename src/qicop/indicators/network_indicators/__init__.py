"""The pages a network's coordinators use to define the indicators the network compares, the countries'
mappings of their own data to them, and where the countries' definitions differ."""
