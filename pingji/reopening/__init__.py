"""Establishments (enterprises, shops, schools), surveys, resumption, one plan per enterprise and liaisons."""
