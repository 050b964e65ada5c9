"""The translation catalogues: complete for the code as it is now, placeholders intact, and served by locale.

A string added to the code without a zh_Hans and zh_Hant translation fails here: the template is extracted afresh
from the code in every run. The fix is ``python scripts/i18n.py extract update fill-en``, translating the new
zh_Hans entries, then ``fill-hant`` (and a look at what it wrote) and ``check``.
"""

import importlib.util
import sys

import pytest
from babel.messages.pofile import read_po

from tests.support import ROOT


def _load_script():
    name = 'consult_i18n_script'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / 'scripts' / 'i18n.py')
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


i18n = _load_script()

#: Translations other tests (browser tests among them) rely on, word for word.
REQUIRED_ZH_HANS = {
    'Log in': '登录',
    'Register': '注册',
    'Submit claim': '提交申报',
    'Verify residents': '居民核验',
    'Approve': '通过',
    'Verified': '已核验',
    'Live updates connected': '实时连接已建立',
    'Waiting for review': '待审核',
    'Consult': '社区议事协商',
    'Community deliberation and consultation': '社区议事协商平台',
    'My residence': '我的居住信息',
    'Claim residence': '申报居住地',
    'Reject': '驳回',
    'Log out': '退出登录',
    'You are logged in.': '登录成功。',
}


@pytest.fixture(scope='module')
def template():
    """The message template extracted from the code now (not the committed messages.pot)."""
    return i18n.extract_catalog()


def _catalogue(locale):
    with i18n._po_path(locale).open('rb') as f:
        return read_po(f, locale=locale)


@pytest.fixture(scope='module', autouse=True)
def _compiled(app):
    """Compile the .mo files (not committed; ``make test`` compiles them too) when they are missing or stale, and
    drop the translations the app may have cached without them."""
    from consult.extensions import babel

    if i18n.stale_catalogues():
        i18n.compile_catalogs()
        with app.app_context():
            babel.domain_instance.cache.clear()


def _msgid(message):
    return message.id[0] if isinstance(message.id, list | tuple) else message.id


@pytest.mark.parametrize('locale', ['zh_Hans', 'zh_Hant'])
def test_every_source_string_is_translated(template, locale):
    catalogue = _catalogue(locale)
    assert not catalogue.fuzzy, f'the {locale} catalogue header is fuzzy, so it would not compile'
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id, message.context)
        if translated is None:
            problems.append(f'missing (run scripts/i18n.py update): {_msgid(message)!r}')
        elif translated.fuzzy:
            problems.append(f'fuzzy: {_msgid(message)!r}')
        elif not all(i18n._forms(translated)):
            problems.append(f'empty: {_msgid(message)!r}')
    assert not problems, f'{locale}: {len(problems)} untranslated strings:\n' + '\n'.join(problems)


@pytest.mark.parametrize('locale', ['zh_Hans', 'zh_Hant', 'en'])
def test_placeholders_match_the_msgid(locale):
    problems = []
    for message in _catalogue(locale):
        if message.id:
            problem = i18n.placeholder_problem(message)
            if problem:
                problems.append(f'{_msgid(message)!r}: {problem}')
    assert not problems, f'{locale}:\n' + '\n'.join(problems)


def test_english_catalogue_repeats_the_msgids():
    for message in _catalogue('en'):
        if message.id:
            expected = list(message.id) if message.pluralizable else [message.id]
            assert i18n._forms(message) == expected


@pytest.mark.parametrize(('msgid', 'expected'), REQUIRED_ZH_HANS.items())
def test_required_zh_hans_wording(msgid, expected):
    message = _catalogue('zh_Hans').get(msgid)
    assert message is not None, f'{msgid!r} is no longer in the zh_Hans catalogue'
    assert message.string == expected


def test_placeholder_parser():
    parse = i18n.placeholders
    assert parse('Page %(page)s of %(pages)s').named == {('page', 's'), ('pages', 's')}
    assert parse('%s and %d').positional == ('s', 'd')
    assert parse('100%% sure').escapes == 1
    assert parse('涨了50%').stray == 1
    assert parse('100% 确定').stray == 1
    assert parse('50% off').positional == ('o',)  # what Python would read, so it differs from a msgid without %
    assert parse('%(name)s已核验').named == {('name', 's')}


def test_default_language_is_simplified_chinese(client):
    # The test client asks for English unless told otherwise (conftest); an empty header is no preference.
    page = client.get('/', headers={'Accept-Language': ''}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert '登录' in page
    assert '社区议事协商平台' in page


@pytest.mark.parametrize('accept_language', ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-TW,zh;q=0.9,en;q=0.8'])
def test_traditional_chinese_by_accept_language(client, accept_language):
    page = client.get('/', headers={'Accept-Language': accept_language}).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert '登入' in page
    assert '註冊' in page
    assert '社區議事協商平臺' in page
    assert '登录' not in page


@pytest.mark.parametrize('accept_language', ['zh-CN', 'zh', 'zh-Hans,en;q=0.5'])
def test_simplified_chinese_by_accept_language(client, accept_language):
    page = client.get('/', headers={'Accept-Language': accept_language}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert '登录' in page


def test_english_by_accept_language(client):
    page = client.get('/', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'Log in' in page
    assert 'Community deliberation and consultation' in page
    assert '登录' not in page


def test_lazy_form_labels_follow_the_request_language(client):
    """WTForms labels are lazy strings: they must be translated per request, not at import."""
    hant = client.get('/account/register', headers={'Accept-Language': 'zh-TW'}).get_data(as_text=True)
    assert '手機號碼或電子郵件' in hant
    english = client.get('/account/register', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert 'Mobile number or email' in english


@pytest.fixture
def scratch_catalogues(tmp_path, monkeypatch):
    """Point the script at empty scratch catalogues; return a helper that writes and one that reads them."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    monkeypatch.setattr(i18n, '_po_path', lambda locale: tmp_path / f'{locale}.po')

    def write(locale, entries):
        catalogue = Catalog(locale=locale)
        for msgid, msgstr, flags in entries:
            catalogue.add(msgid, msgstr, flags=flags)
        with (tmp_path / f'{locale}.po').open('wb') as f:
            write_po(f, catalogue)

    return write, _catalogue


def test_fill_hant_fills_only_empty_entries(scratch_catalogues):
    write, read = scratch_catalogues
    write(
        'zh_Hans',
        [
            ('Log in', '登录', ()),
            ('Account', '账号信息', ()),
            ('Guess', '猜测', ('fuzzy',)),
            ('Fuzzy in Hant', '审核', ()),
        ],
    )
    write(
        'zh_Hant',
        [
            ('Log in', '', ()),
            ('Account', '帳號資料', ()),  # reviewed by hand: kept
            ('Guess', '', ()),  # zh_Hans is only a guess: waits
            ('Fuzzy in Hant', '舊的', ('fuzzy',)),  # kept unless --replace-fuzzy
        ],
    )
    i18n.main(['fill-hant'])
    hant = read('zh_Hant')
    assert hant.get('Log in').string == '登入'
    assert hant.get('Account').string == '帳號資料'
    assert hant.get('Guess').string == ''
    assert hant.get('Fuzzy in Hant').string == '舊的'
    i18n.main(['fill-hant', '--replace-fuzzy'])
    hant = read('zh_Hant')
    assert hant.get('Fuzzy in Hant').string == '審核'
    assert not hant.get('Fuzzy in Hant').fuzzy


def test_fill_en_copies_msgids_including_plurals(scratch_catalogues):
    write, read = scratch_catalogues
    write('en', [('Log in', '', ()), (('%(num)s row', '%(num)s rows'), ('', ''), ('fuzzy',))])
    i18n.main(['fill-en'])
    english = read('en')
    assert english.get('Log in').string == 'Log in'
    plural = english.get(('%(num)s row', '%(num)s rows'))
    assert tuple(plural.string) == ('%(num)s row', '%(num)s rows')
    assert not plural.fuzzy


def test_update_drops_fuzzy_guesses_whose_placeholders_do_not_fit(scratch_catalogues, tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    write, read = scratch_catalogues
    template = Catalog()
    template.add('There is no household "%(number)s" in %(building)s.')
    template.add('Log in now')
    monkeypatch.setattr(i18n, 'POT', tmp_path / 'messages.pot')
    monkeypatch.setattr(i18n, 'LOCALES', ('zh_Hans',))
    with (tmp_path / 'messages.pot').open('wb') as f:
        write_po(f, template)
    write(
        'zh_Hans',
        [
            (
                'There is no household "%(number)s" in %(grid)s, %(building)s.',
                '%(grid)s %(building)s中没有户号“%(number)s”。',
                (),
            ),
            ('Log in', '登录', ()),
        ],
    )
    i18n.main(['update'])
    hans = read('zh_Hans')
    dropped = hans.get('There is no household "%(number)s" in %(building)s.')
    assert (dropped.string, dropped.fuzzy) == ('', False)  # a guess pybabel compile would refuse
    kept = hans.get('Log in now')
    assert (kept.string, kept.fuzzy) == ('登录', True)  # a usable guess, for a translator to confirm
