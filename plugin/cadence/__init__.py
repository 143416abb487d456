"""The etiquette rules as a pure core: facts, policy and clock in; steps out.

Nothing in this package touches the database, the network or the real clock.
"""
