"""The tree arithmetic against a direct RFC 9162 MTH, and the offline verifier's copy of the verification."""

import random
import sys

import pytest

from consult.transparency import merkle
from tests.support import ROOT

sys.path.insert(0, str(ROOT / 'static' / 'verify'))
import consult_verify


def mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = merkle.split(len(leaves))
    return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def resolve(leaves, ranges):
    return [mth(leaves[a:b]) for a, b in ranges]


def test_the_empty_and_single_trees_are_as_rfc_9162_says():
    assert merkle.leaf_hash(b'') == bytes.fromhex('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
    assert merkle.fold([merkle.leaf_hash(b'a')]) == merkle.leaf_hash(b'a')


@pytest.mark.parametrize('size', [*range(1, 34), 100, 127, 128, 129])
def test_inclusion_proofs_of_every_leaf_verify_and_a_changed_element_does_not(size):
    leaves = [f'leaf {i}'.encode() for i in range(size)]
    root = mth(leaves)
    for index in range(size):
        path = resolve(leaves, merkle.inclusion_ranges(index, size))
        leaf = merkle.leaf_hash(leaves[index])
        assert merkle.root_from_inclusion(index, size, leaf, path) == root
        assert consult_verify.root_from_inclusion(index, size, leaf, path) == root
        for n in range(len(path)):
            bad = [*path[:n], bytes(32), *path[n + 1 :]]
            assert consult_verify.root_from_inclusion(index, size, leaf, bad) != root
        assert consult_verify.root_from_inclusion(index, size, leaf, [*path, bytes(32)]) != root


def test_consistency_proofs_between_random_pairs_verify_and_fail_for_a_forked_log():
    rng = random.Random(9162)
    leaves = [f'record {i}'.encode() for i in range(300)]
    for _ in range(400):
        old, new = sorted(rng.sample(range(1, 301), 2))
        proof = resolve(leaves, merkle.consistency_ranges(old, new))
        old_root, new_root = mth(leaves[:old]), mth(leaves[:new])
        assert merkle.verify_consistency(old, new, old_root, new_root, proof)
        assert consult_verify.verify_consistency(old, new, old_root, new_root, proof)
        # A fork: one leaf of the old tree rewritten, the rest of the new tree built on it.
        forked = list(leaves[:new])
        forked[rng.randrange(old)] = b'rewritten'
        fork_proof = resolve(forked, merkle.consistency_ranges(old, new))
        assert not consult_verify.verify_consistency(old, new, old_root, mth(forked), fork_proof)
        assert not merkle.verify_consistency(old, new, old_root, mth(forked), proof)


def test_a_range_is_the_fold_of_its_complete_subtrees():
    leaves = [bytes([i]) for i in range(77)]
    for a, b in [(0, 77), (64, 77), (32, 48), (72, 77), (76, 77)]:
        parts = [mth(leaves[i << lv : (i + 1) << lv]) for lv, i in merkle.subtrees(a, b)]
        assert merkle.fold(parts) == mth(leaves[a:b])


def test_the_verifiers_canonical_json_is_rfc_8785():
    import rfc8785

    rng = random.Random(8785)
    values = [1e21, 1e-7, 1e-6, 0.1, 1e16, 5e-324, -0.0, 123.456, 2.0**60]
    values += [rng.uniform(-1e30, 1e30) for _ in range(2000)] + [
        rng.random() / 10 ** rng.randrange(12) for _ in range(2000)
    ]
    for value in values:
        assert consult_verify.canonical(value) == rfc8785.dumps(value).decode()
    record = {'é': [None, True, 'x\u2028\x7f\x01"\\'], '\U0001f600': 2, '\uffff': 3, 'a': {'b': 1.5}}
    assert consult_verify.canonical(record) == rfc8785.dumps(record).decode()
