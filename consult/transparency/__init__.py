"""The transparency log: every public record event as a leaf of an append-only Merkle tree (RFC 9162)."""
