"""Development tools that are not part of the installed paymon package (the local Kafka broker
of `make demo`, the tests and the benches); run from a checkout of the repository."""
