"""Email: SMTP transport, message building, coaching context, links, chat posts."""
