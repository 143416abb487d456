"""marshmallow schemas, one per purpose."""
