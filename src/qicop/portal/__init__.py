"""The pages that bring several apps together: home, a network's home, a country, search, your profile.

It sits above the domain apps and may import every one of them; none of them imports it (see
docs/architecture.md).
"""
