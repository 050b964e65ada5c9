"""RFC 9162 section 2.1 Merkle tree arithmetic: hashes, the shape of proofs and their verification.

Pure functions over byte strings and leaf ranges, no database: ``queries`` resolves the ranges to stored hashes,
and ``static/verify/consult_verify.py`` carries a copy of the verification half (it must stand alone).

A tree of ``n`` leaves splits at ``k``, the largest power of two below ``n`` (RFC 9162 2.1.1). Every range the
proofs need is ``[a, b)`` with ``a`` aligned, so it is a run of complete aligned subtrees of decreasing size,
each stored once when its last leaf is appended.
"""

import hashlib


def leaf_hash(payload: bytes) -> bytes:
    return hashlib.sha256(b'\x00' + payload).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b'\x01' + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtrees(a: int, b: int) -> list[tuple[int, int]]:
    """The complete aligned subtrees ``(level, index)`` whose leaves make ``[a, b)``, largest first.

    The hash of the range is their right fold: ``node(s1, node(s2, ... sm))`` (RFC 9162 MTH).
    """
    out = []
    while a < b:
        size = b - a
        level = size.bit_length() - 1 if size & (size - 1) == 0 else split(size).bit_length() - 1
        while a % (1 << level):
            level -= 1
        out.append((level, a >> level))
        a += 1 << level
    return out


def fold(hashes: list[bytes]) -> bytes:
    """The right fold of the complete subtrees' hashes (largest first): the hash of their range."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the inclusion proof of leaf ``index`` in a tree of ``size`` (RFC 9162 2.1.3.1)."""
    out = []
    a, b = 0, size
    while b - a > 1:
        k = split(b - a)
        if index < a + k:
            out.append((a + k, b))
            b = a + k
        else:
            out.append((a, a + k))
            a = a + k
    return out[::-1]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes make the consistency proof from ``old`` to ``new`` leaves (RFC 9162 2.1.4.1)."""
    out = []
    a, b, m, complete = 0, new, old, True
    while True:
        n = b - a
        if m == n:
            if not complete:
                out.append((a, b))
            break
        k = split(n)
        if m <= k:
            out.append((a + k, b))
            b = a + k
        else:
            out.append((a, a + k))
            a, m, complete = a + k, m - k, False
    return out[::-1]


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2), or ``None`` when the proof is malformed."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2: the tree of ``new`` leaves extends the tree of ``old`` leaves."""
    if old == new:
        return old_root == new_root and not proof
    if old == 0:
        return not proof
    if old > new or not proof:
        return False
    if old & (old - 1) == 0:
        proof = [old_root, *proof]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
