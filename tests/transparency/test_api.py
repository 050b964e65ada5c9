"""The log's API: heads, leaves, proofs and the key; and the head on the result page and in the results feed."""

import pytest

from consult.transparency import keys
from consult.transparency import merkle
from consult.transparency import queries


def test_the_current_head_is_the_newest_signed_one(client, logged):
    head = client.get('/api/v1/log/head').get_json()
    assert head['tree_size'] == queries.size()
    assert head['root_hash'] == queries.root_hash(head['tree_size']).hex()
    message = keys.head_message(head['tree_size'], bytes.fromhex(head['root_hash']), head['timestamp'])
    assert keys.verify(keys.public_key(), bytes.fromhex(head['signature']), message)


def test_an_empty_log_has_no_head(client, db):
    if queries.size() == 0:
        assert client.get('/api/v1/log/head').status_code == 404


def test_heads_and_leaves_come_in_pages(client, logged):
    size = queries.size()
    seen, url = [], '/api/v1/log/leaves?limit=4'
    while url:
        page = client.get(url).get_json()
        seen += page['data']
        url = page['next']
    assert [leaf['index'] for leaf in seen] == list(range(size))
    assert all(merkle.leaf_hash(leaf['payload'].encode()).hex() == leaf['leaf_hash'] for leaf in seen)
    heads, url = [], '/api/v1/log/heads?limit=2'
    while url:
        page = client.get(url).get_json()
        heads += page['data']
        url = page['next']
    assert [h['seq'] for h in heads] == list(range(1, len(heads) + 1))


def test_inclusion_proofs_by_index_and_by_hash_verify(client, logged):
    head = client.get('/api/v1/log/head').get_json()
    size, root = head['tree_size'], bytes.fromhex(head['root_hash'])
    for index in range(size):
        proof = client.get(f'/api/v1/log/proof/inclusion?tree_size={size}&leaf_index={index}').get_json()
        path = [bytes.fromhex(h) for h in proof['audit_path']]
        assert merkle.root_from_inclusion(index, size, bytes.fromhex(proof['leaf_hash']), path) == root
        by_hash = client.get(f'/api/v1/log/proof/inclusion?tree_size={size}&leaf_hash={proof["leaf_hash"]}')
        assert by_hash.get_json()['leaf_index'] == index
    assert proof['head']['root_hash'] == head['root_hash']


def test_consistency_proofs_between_published_heads_verify(client, logged):
    heads = client.get('/api/v1/log/heads?limit=200').get_json()['data']
    for old in heads:
        for new in heads:
            if old['tree_size'] > new['tree_size']:
                continue
            answer = client.get(f'/api/v1/log/proof/consistency?first={old["tree_size"]}&second={new["tree_size"]}')
            proof = [bytes.fromhex(h) for h in answer.get_json()['consistency_path']]
            assert merkle.verify_consistency(
                old['tree_size'],
                new['tree_size'],
                bytes.fromhex(old['root_hash']),
                bytes.fromhex(new['root_hash']),
                proof,
            )


@pytest.mark.parametrize(
    'query',
    [
        'tree_size=0&leaf_index=0',
        'tree_size=abc&leaf_index=0',
        'tree_size=3',
        'tree_size=3&leaf_hash=zz',
        'tree_size=3&leaf_hash=' + 'g' * 64,
        'tree_size=3&leaf_index=-1',
        'tree_size=3&leaf_index=1%00',
        'tree_size=' + '9' * 40 + '&leaf_index=0',
    ],
)
def test_bad_inclusion_requests_are_400_in_json(client, logged, query):
    response = client.get(f'/api/v1/log/proof/inclusion?{query}')
    assert response.status_code == 400
    assert response.get_json()['error']['message']


@pytest.mark.parametrize(
    ('query', 'status'),
    [('first=5&second=3', 400), ('first=&second=3', 400), ('first=1&second=999999', 404), ('first=x&second=2', 400)],
)
def test_bad_consistency_requests_are_refused(client, logged, query, status):
    assert client.get(f'/api/v1/log/proof/consistency?{query}').status_code == status


def test_beyond_the_log_is_404(client, logged):
    size = queries.size()
    assert client.get(f'/api/v1/log/proof/inclusion?tree_size={size + 1}&leaf_index=0').status_code == 404
    assert client.get(f'/api/v1/log/proof/inclusion?tree_size={size}&leaf_index={size}').status_code == 404
    assert client.get('/api/v1/log/proof/inclusion?tree_size=1&leaf_hash=' + 'ab' * 32).status_code == 404


def test_the_public_key_and_its_fingerprint_are_served(client, db):
    key = client.get('/api/v1/log/public-key').get_json()
    assert key['key_id'] == keys.key_id()
    assert key['public_key_pem'].startswith('-----BEGIN PUBLIC KEY-----')
    assert client.get(key['verifier_url']).status_code == 200


@pytest.mark.parametrize(
    ('language', 'text'), [('zh-CN', '防篡改记录'), ('zh-TW', '防篡改記錄'), ('en', 'Tamper-evident record')]
)
def test_the_result_page_shows_the_signed_head(client, logged, language, text):
    html = client.get(f'/results/{logged.id}', headers={'Accept-Language': language}).get_data(as_text=True)
    head = queries.latest_head()
    assert text in html
    assert bytes(head.root_hash).hex() in html
    assert f'data-tree-size>{head.tree_size}<' in html
    assert '/api/v1/log/head' in html


def test_the_results_feed_carries_the_signed_head(client, logged):
    xml = client.get('/api/v1/results.atom').get_data(as_text=True)
    head = queries.latest_head()
    assert bytes(head.root_hash).hex() in xml
    assert '/api/v1/log/head' in xml
