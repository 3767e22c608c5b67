"""Choosing the copy to keep: score every copy of a picture and rank them by the
user's criteria. Reads only `cleaner.models`; the scan calls it at the end."""
