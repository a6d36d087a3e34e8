"""One module per `sitthi` subcommand, each with `register(subparsers)`; heavy imports lazy."""
