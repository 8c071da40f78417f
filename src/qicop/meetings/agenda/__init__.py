"""Planning meetings: creating, editing, copying and cancelling a meeting, its agenda, the network's topics,
and the countries' case presentations."""
