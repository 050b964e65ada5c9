"""The OpenAPI 3.1 document: valid, generated from the registered routes, and every route in it called against its
schema with schemathesis on a seeded database, in process."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from consult.opendata.api import RESOURCES


def test_the_document_is_valid_openapi_3_1(client, seeded):
    document = client.get('/api/v1/openapi.json').get_json()
    assert document['openapi'] == '3.1.0'
    validate(document)


def test_the_document_has_every_route_of_the_api(app, client, seeded):
    document = client.get('/api/v1/openapi.json').get_json()
    routed = {
        rule.rule.replace('<int:', '{').replace('>', '}')
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith('opendata.')
        and rule.endpoint not in {'opendata.openapi', 'opendata.reference', 'opendata.results_feed'}
    }
    assert routed == set(document['paths'])
    assert len(RESOURCES) == len(routed)


def test_the_document_has_no_personal_field(client, seeded):
    schemas = client.get('/api/v1/openapi.json').get_json()['components']['schemas']
    names = {field for schema in schemas.values() for field in (schema.get('properties') or {})}
    for personal in (
        'mobile',
        'email',
        'real_name',
        'display_name',
        'birth_date',
        'place',
        'name_of',
        'chair_id',
        'secretary_id',
        'submitted_by_id',
        'originator_id',
        'held_by',
        'user_id',
        'voter',
    ):
        assert personal not in names


def test_the_reference_page_is_served_from_here(client, seeded):
    response = client.get('/api/v1/', headers={'Accept-Language': 'zh-CN'})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '/api/v1/openapi.json' in html
    assert 'GET /api/v1/topics/{topic_id}/timeline' in html
    assert 'http://' not in html.replace('http://www.w3.org', '')
    assert 'https://' not in html


@pytest.mark.parametrize(('language', 'text'), [('zh-CN', '开放数据'), ('zh-TW', '開放資料'), ('en', 'Open data API')])
def test_the_footer_links_the_reference_in_each_language(client, language, text):
    html = client.get('/', headers={'Accept-Language': language}).get_data(as_text=True)
    assert 'href="/api/v1/"' in html
    assert text in html


CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


def test_every_route_answers_as_its_schema_says(app, client, seeded):
    """Schemathesis draws each route's parameters from the document and checks each answer against it."""
    app.config['API_RATE_LIMIT'] = '100000 per minute'
    try:
        schema = schemathesis.openapi.from_wsgi('/api/v1/openapi.json', app)
        called = set()
        for operation in schema.get_all_operations():
            operation = operation.ok()

            @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy())
            def run(case):
                response = case.call()
                case.validate_response(response, checks=CHECKS)
                called.add(case.operation.path)

            run()
        assert len(called) == len(RESOURCES)
    finally:
        app.config['API_RATE_LIMIT'] = '600 per minute'


def test_malformed_parameters_drawn_by_schemathesis_are_refused_in_json_never_a_500(app, client, seeded):
    """Negative data: every parameter drawn outside its schema (wrong types, out of range, odd characters)."""
    app.config['API_RATE_LIMIT'] = '100000 per minute'
    try:
        schema = schemathesis.openapi.from_wsgi('/api/v1/openapi.json', app)
        statuses = set()
        for operation in schema.get_all_operations():
            operation = operation.ok()
            if not operation.query and not operation.path_parameters:
                continue

            @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
            def run(case):
                response = case.call()
                case.validate_response(
                    response, checks=[st_checks.not_a_server_error, st_checks.content_type_conformance]
                )
                statuses.add(response.status_code)

            run()
        assert statuses <= {200, 400, 404}
        assert 400 in statuses
    finally:
        app.config['API_RATE_LIMIT'] = '600 per minute'
