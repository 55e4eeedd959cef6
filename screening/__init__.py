"""paymon's pure screening core: list loading, name normalisation, matching, ownership, screening.

Nothing in this package imports a broker, an event loop or a metrics library.
"""
