"""Establishments (enterprises, shops, schools), surveys, resumption, plans and liaisons."""
