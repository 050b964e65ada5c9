"""``flask demo load``: demo data for a new installation, loaded once, with one account per role.

Names are generic (示范市, 东城中心社区, …): the shape mirrors Longgang's (city > central community >
community > grid > building > household), not its real places. The demo password is generated on the
first load and kept in ``instance/demo_password``; nothing secret is in the repository.
"""

import logging
import secrets
import unicodedata
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from consult.accounts.models import User
from consult.communities.models import Building
from consult.communities.models import CentralCommunity
from consult.communities.models import City
from consult.communities.models import Community
from consult.communities.models import Department
from consult.communities.models import Grid
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import today
from consult.residency import operations as residency
from consult.residency.models import VerificationMethod
from consult.roles.models import ROLE_LABELS
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.rules.operations import ensure_initial_rules
from consult.security import hash_password

demo_cli = AppGroup('demo', help='Demo data.')

CITY = '示范市'
#: The regulation's entry into force; the demo communities' rules apply from then.
RULES_FROM = date(2023, 9, 25)
LAYOUT = {
    '东城中心社区': [('东湖社区', 'donghu'), ('南桥社区', 'nanqiao')],
    '西城中心社区': [('西河社区', 'xihe'), ('北山社区', 'beishan')],
}
GRIDS_PER_COMMUNITY = 2
BUILDINGS_PER_GRID = 3
FLOORS, UNITS = 3, 2
DEPARTMENTS = {'市民政局': ['donghu', 'nanqiao', 'xihe', 'beishan'], '市住房和城乡建设局': ['donghu', 'xihe']}

#: (role, mobile, display name, real name, birth date); everyone lives in or serves 东湖社区.
ACCOUNTS = [
    ('resident', '13800000001', '东湖居民', '王小明', date(1985, 3, 12)),
    (Role.REPRESENTATIVE, '13800000002', '居民代表', '李红', date(1970, 7, 1)),
    (Role.GRID_WORKER, '13800000003', '网格员', '张伟', date(1990, 1, 20)),
    (Role.COMMITTEE_STAFF, '13800000004', '社区工作者', '刘洋', date(1992, 5, 5)),
    (Role.COMMITTEE_DIRECTOR, '13800000005', '居委会主任', '陈静', date(1975, 11, 30)),
    (Role.PARTY_ORG, '13800000006', '社区党组织书记', '杨帆', date(1972, 2, 14)),
    (Role.JOINT_PARTY_COMMITTEE, '13800000007', '联合党委', '赵磊', date(1968, 9, 9)),
    (Role.DEPARTMENT, '13800000008', '民政局联络员', '孙丽', date(1988, 4, 4)),
    (Role.NPC_DEPUTY, '13800000009', '人大代表', '周强', date(1966, 6, 6)),
    (Role.EXPERT, '13800000010', '规划专家', '吴敏', date(1980, 8, 8)),
    (Role.SUPERVISORY_COMMITTEE, '13800000011', '居务监督委员', '郑华', date(1960, 12, 1)),
    (Role.ADMIN, '13800000012', '系统管理员', '钱進', date(1987, 10, 10)),
]


def demo_password(instance_path: str) -> str:
    path = Path(instance_path) / 'demo_password'
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load_demo(password: str) -> bool:
    """Create the demo data unless it is there; return whether anything was created."""
    if db.session.scalar(sa.select(City).where(City.name == CITY)) is not None:
        return False
    city = City(name=CITY)
    db.session.add(city)
    communities = {}
    for central_name, members in LAYOUT.items():
        central = CentralCommunity(city=city, name=central_name)
        for name, code in members:
            community = Community(central_community=central, name=name, code=code)
            communities[code] = community
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grid = Grid(community=community, name=f'第{g}网格')
                for b in range(1, BUILDINGS_PER_GRID + 1):
                    building = Building(grid=grid, name=f'{(g - 1) * BUILDINGS_PER_GRID + b}幢')
                    for floor in range(1, FLOORS + 1):
                        for unit in range(1, UNITS + 1):
                            building.households.append(Household(number=f'{floor}0{unit}'))
    departments = {}
    for name, codes in DEPARTMENTS.items():
        departments[name] = Department(city=city, name=name, communities=[communities[c] for c in codes])
        db.session.add(departments[name])
    db.session.add_all(communities.values())
    db.session.flush()
    for community in communities.values():
        ensure_initial_rules(community, RULES_FROM)

    donghu = communities['donghu']
    households = db.session.scalars(
        sa.select(Household).join(Building).join(Grid).where(Grid.community_id == donghu.id).order_by(Household.id)
    ).all()
    users = {}
    for index, (role, mobile, display, real, born) in enumerate(ACCOUNTS):
        user = User(
            mobile=mobile, password_hash=hash_password(password), display_name=display, real_name=real, birth_date=born
        )
        db.session.add(user)
        db.session.flush()
        users[role] = user
        if role in ('resident', Role.REPRESENTATIVE, Role.SUPERVISORY_COMMITTEE, Role.GRID_WORKER):
            membership = residency.claim_residence(user, households[index])
            residency.verify(membership, None, VerificationMethod.STAFF, reason='demo data')
    scopes = {
        Role.JOINT_PARTY_COMMITTEE: {'central_community_id': donghu.central_community_id},
        Role.DEPARTMENT: {'department_id': departments['市民政局'].id},
        Role.ADMIN: {},
    }
    for role, user in users.items():
        if role == 'resident':
            continue
        db.session.add(
            RoleGrant(user_id=user.id, role=role, reason='demo data', **scopes.get(role, {'community_id': donghu.id}))
        )
    # A deputy's constituency spans two communities.
    db.session.add(
        RoleGrant(
            user_id=users[Role.NPC_DEPUTY].id,
            role=Role.NPC_DEPUTY,
            community_id=communities['nanqiao'].id,
            reason='demo data',
        )
    )
    # One resident waits for review, so the staff queue is not empty.
    waiting = User(
        mobile='13800000013',
        password_hash=hash_password(password),
        display_name='新居民',
        real_name='林新',
        birth_date=date(1995, 9, 15),
    )
    db.session.add(waiting)
    db.session.flush()
    residency.claim_residence(waiting, households[20])
    # A verified resident of 16 (the resident's child): on no meeting's roster as a voting resident (rule 10).
    born = today()
    child = User(
        mobile='13800000014',
        password_hash=hash_password(password),
        display_name='小雨',
        real_name='王小雨',
        birth_date=born.replace(year=born.year - 16, day=min(born.day, 28)),
    )
    db.session.add(child)
    db.session.flush()
    residency.verify(
        residency.claim_residence(child, households[0]), None, VerificationMethod.STAFF, reason='demo data'
    )
    db.session.flush()
    _load_demo_topics(donghu, users)
    return True


def _load_demo_topics(donghu, users) -> None:
    """Topics in 东湖社区: awaiting co-signs, in admissibility review, awaiting the Party, announced, one
    redirected to 市民政局 (acknowledged, 报到), one in an open comment period and one whose meeting is in session."""
    from consult.roles.permissions import forget_grants
    from consult.topics import operations as topics
    from consult.topics import states

    for user in users.values():
        forget_grants(user)
    declared = {'declared_not_excluded': True}
    resident, staff, party = users['resident'], users[Role.COMMITTEE_STAFF], users[Role.PARTY_ORG]
    waiting = topics.create_draft(
        resident,
        donghu,
        'online',
        {**declared, 'title': '3幢加装电梯', 'body': '3幢住着多位老人，上下楼困难，希望协商**加装电梯**及费用分摊。'},
    )
    topics.submit_topic(resident, waiting)
    queued = topics.create_draft(
        users[Role.GRID_WORKER],
        donghu,
        'grid_patrol',
        {**declared, 'title': '小区夜间停车位不足', 'body': '巡查发现晚间车辆占用消防通道。'},
        originator=resident,
    )
    topics.submit_topic(users[Role.GRID_WORKER], queued)
    screening = topics.create_draft(
        staff,
        donghu,
        'counter',
        {**declared, 'title': '社区广场夜间噪音', 'body': '广场舞音响影响周边住户休息，建议协商活动时间和音量。'},
        originator=users[Role.REPRESENTATIVE],
    )
    topics.submit_topic(staff, screening)
    states.apply(screening, 'accept', staff)
    announced = topics.create_draft(
        users[Role.DEPARTMENT],
        donghu,
        'department',
        {**declared, 'title': '老旧小区改造方案征求意见', 'body': '民政局委托社区就改造方案听取居民意见。'},
    )
    topics.submit_topic(users[Role.DEPARTMENT], announced)
    states.apply(announced, 'accept', staff)
    states.apply(
        announced,
        'confirm',
        party,
        categories=['public_affairs', 'policy_implementation'],
        participant_scope='各楼栋居民代表、业主委员会、物业服务企业、市住建局',
        form='hybrid',
        form_reason='老年居民现场参加，上班居民线上参加',
    )
    _load_demo_meeting(donghu, users)
    _load_demo_dispatch(donghu, users)
    _load_demo_consultation(donghu, users)
    _load_demo_implementation(donghu, users)
    _load_demo_archive(donghu, users)
    _load_demo_result(donghu, users)
    _load_demo_deputies(donghu, users)


def _load_demo_deputies(donghu, users) -> None:
    """The deputy's notes on the live meeting's topic and on a published result, and two suggestions: one
    answered by the department and assessed, one to the committee with its timer running."""
    from consult.communities.models import Department
    from consult.deputies import operations as deputies
    from consult.meetings.models import Meeting
    from consult.topics.models import Topic

    deputy = users[Role.NPC_DEPUTY]
    live = db.session.scalar(sa.select(Meeting).where(Meeting.title == '垃圾分类投放点调整议事会'))
    deputies.file_note(deputy, live.topic, '列席议事会：居民意见分歧主要在开放时间，建议先试行一个月再定。', live)
    published = db.session.scalar(sa.select(Topic).where(Topic.title == '7幢楼道照明改造'))
    deputies.file_note(deputy, published, '改造方案经过充分协商，建议公开采购价格，接受居民监督。')
    department = db.session.scalar(sa.select(Department).where(Department.name == '市民政局'))
    answered = deputies.send_suggestion(
        deputy,
        donghu,
        {
            'title': '社区养老服务站延长开放时间',
            'body': '多位老年居民反映服务站下午四点关门过早，建议延长至晚上七点。',
            'department': department,
            'topic': None,
        },
    )
    deputies.reply(users[Role.DEPARTMENT], answered, '已协调运营方，自下月起开放至晚上六点半。')
    deputies.assess(deputy, answered, 'partly', '时间有所延长，但仍未达到居民期望。')
    deputies.send_suggestion(
        deputy,
        donghu,
        {
            'title': '垃圾分类投放点调整方案试行评估',
            'body': '建议居委会在试行一个月后公布评估结果。',
            'department': None,
            'topic': live.topic,
            'complex': False,
        },
    )


def _load_demo_result(donghu, users) -> None:
    """A result published in its objection window (staff prepared it, the director signed it off), with one
    objection the committee answered (not upheld)."""
    from consult.comments import operations as comments
    from consult.disclosure import operations as disclosure
    from consult.outcomes import operations as outcomes

    staff, director = users[Role.COMMITTEE_STAFF], users[Role.COMMITTEE_DIRECTOR]
    topic = _announced_long_ago(
        users,
        donghu,
        'counter',
        '楼道堆物清理与消防通道管理',
        '多幢楼道堆放杂物，影响消防安全，请居民协商清理办法和日常管理约定。',
        '社区全体居民、物业服务企业',
        'online',
        '方便居民随时在线发表意见',
        days_ago=10,
    )
    comments.open_period(staff, topic, 7)
    comments.close_early(staff, topic, '意见已充分')
    comments.write_summary(staff, topic, '多数居民赞成限期清理，由物业每月巡查。')
    comments.conclude(staff, topic)
    outcomes.record_opinion(
        director,
        topic,
        True,
        '楼道杂物于本月底前由住户自行清理，逾期由物业统一清运；物业每月巡查一次。',
        ['希望延长清理期限'],
    )
    outcomes.check_legality(director, topic, 'pass')
    disclosure.prepare_publication(staff, topic, '请居民在公示期内监督，如有异议请在线提出。')
    disclosure.publish_result(director, topic)
    objection = disclosure.file_objection(users['resident'], topic, '月底前清理时间太紧，老年住户来不及处理。')
    disclosure.answer_objection(staff, objection, 'not_upheld', '老年住户可申请网格员协助清理，期限不变。')


def _announced_long_ago(users, donghu, channel, title, body, scope, form, form_reason, days_ago):
    """A topic typed in by staff for the demo resident, accepted and confirmed, announced ``days_ago`` days
    ago with the default 3 publicity days (demo data only: dated back so consultation can start)."""
    from datetime import timedelta

    from consult.kernel.clock import utcnow
    from consult.topics import operations as topics
    from consult.topics import states

    staff = users[Role.COMMITTEE_STAFF]
    content = {'declared_not_excluded': True, 'title': title, 'body': body}
    topic = topics.create_draft(staff, donghu, channel, content, originator=users['resident'])
    topics.submit_topic(staff, topic)
    states.apply(topic, 'accept', staff)
    states.apply(
        topic,
        'confirm',
        users[Role.PARTY_ORG],
        categories=['public_affairs'],
        participant_scope=scope,
        form=form,
        form_reason=form_reason,
    )
    topic.announced_at = utcnow() - timedelta(days=days_ago)
    topic.publicity_ends_at = topic.announced_at + timedelta(days=3)
    return topic


def _load_demo_consultation(donghu, users) -> None:
    """A topic in consultation with an open 14-day comment period."""
    from consult.comments import operations as comments

    topic = _announced_long_ago(
        users,
        donghu,
        'onsite_collection',
        '社区小公园改造征求意见',
        '社区计划改造小公园，增设健身器材和儿童游乐区，请居民在线发表意见。',
        '社区全体居民',
        'online',
        '方便上班居民随时发表意见',
        days_ago=4,
    )
    comments.open_period(users[Role.COMMITTEE_STAFF], topic, 14)
    _load_demo_online_vote(users, topic)


def _load_demo_online_vote(users, topic) -> None:
    """A standalone online vote on the park, open for a week: every verified adult resident may vote."""
    from datetime import timedelta

    from consult.kernel.clock import utcnow
    from consult.votes import operations as votes

    now = utcnow()
    vote = votes.create_vote(
        users[Role.COMMITTEE_STAFF],
        topic,
        {
            'title': '小公园改造优先建设项目',
            'question': '预算有限，今年先建哪一项？',
            'kind': 'single',
            'options': ['健身器材区', '儿童游乐区', '休息凉亭和座椅'],
            'rule_kind': 'residents_meeting',
            'electorate_mode': 'adults',
            'opens_at': now,
            'closes_at': now + timedelta(days=7),
        },
    )
    votes.open_vote(None, vote, now=now)


def _load_demo_meeting(donghu, users) -> None:
    """A topic announced weeks ago whose mixed on-site/online meeting is in session (the live room)."""
    from datetime import timedelta

    from consult.kernel.clock import utcnow
    from consult.meetings import operations as meetings
    from consult.meetings import roster

    staff, director = users[Role.COMMITTEE_STAFF], users[Role.COMMITTEE_DIRECTOR]
    weeks_ago = utcnow() - timedelta(days=21)
    topic = _announced_long_ago(
        users,
        donghu,
        'counter',
        '垃圾分类投放点调整',
        '2幢旁的投放点离住户窗户太近，夏天气味大，建议协商调整位置和开放时间。',
        '全体成年居民、物业服务企业',
        'hybrid',
        '现场与线上同时进行，方便上班居民参加',
        days_ago=21,
    )
    meeting = meetings.schedule(
        staff,
        topic,
        {
            'title': '垃圾分类投放点调整议事会',
            'kind': 'residents_meeting',
            'form': 'hybrid',
            'starts_at': utcnow(),
            'place': '东湖社区党群服务中心二楼会议室',
            'chair_id': director.id,
            'secretary_id': staff.id,
            'agenda': '现状介绍 | 10\n方案讨论 | 40\n形成意见 | 20',
        },
    )
    roster.build_from_criteria(staff, meeting, 'adults', False)
    roster.add_participant(staff, meeting, users[Role.NPC_DEPUTY], 'observer')
    roster.add_participant(staff, meeting, users[Role.EXPERT], 'expert')
    meetings.add_material(staff, meeting, '投放点备选位置', '1. 2幢与3幢之间绿地旁\n2. 小区东门停车场一角')
    meetings.send_notice(staff, meeting, now=weeks_ago + timedelta(days=4))
    meetings.send_materials(staff, meeting, now=weeks_ago + timedelta(days=4))
    meetings.open_meeting(director, meeting)


def _load_demo_dispatch(donghu, users) -> None:
    from consult.communities.models import Department
    from consult.dispatch import operations as dispatch
    from consult.topics import operations as topics

    grid_worker = users[Role.GRID_WORKER]
    topic = topics.create_draft(
        grid_worker,
        donghu,
        'grid_patrol',
        {'declared_not_excluded': True, 'title': '5幢门前路灯损坏', 'body': '巡查发现5幢门前路灯连续一周不亮。'},
        originator=users['resident'],
    )
    topics.submit_topic(grid_worker, topic)
    department = db.session.scalar(sa.select(Department).where(Department.name == '市民政局'))
    ticket = dispatch.propose_dispatch(
        users[Role.COMMITTEE_DIRECTOR], topic, department, 'simple', '路灯维护属于职能部门职责，不属于社区自治事项'
    )
    dispatch.report(users[Role.DEPARTMENT], ticket)


def _checked_result(donghu, users, title, body):
    """A topic consulted through a comment period, its opinion recorded and passed by the legality check."""
    from consult.comments import operations as comments
    from consult.outcomes import operations as outcomes

    staff, director = users[Role.COMMITTEE_STAFF], users[Role.COMMITTEE_DIRECTOR]
    topic = _announced_long_ago(
        users, donghu, 'counter', title, body, '相关楼栋居民、物业服务企业', 'onsite', '涉及楼栋住户', days_ago=60
    )
    comments.open_period(staff, topic, 7)
    comments.close_early(staff, topic, '意见已充分')
    comments.write_summary(staff, topic, '多数居民赞成。')
    comments.conclude(staff, topic)
    outcomes.record_opinion(director, topic, True, f'同意{title}。')
    outcomes.check_legality(director, topic, 'pass')
    return topic


def _published_long_ago(users, topic):
    """Publish ``topic``'s checked result as the committee does, dated a month ago, and close its window."""
    from datetime import timedelta

    from consult.disclosure import operations as disclosure
    from consult.disclosure import sweeps
    from consult.kernel.clock import utcnow

    disclosure.prepare_publication(users[Role.COMMITTEE_STAFF], topic, '请居民监督。')
    publication = disclosure.publish_result(users[Role.COMMITTEE_DIRECTOR], topic)
    past = utcnow() - timedelta(days=30)  # demo data: the publicity period is long over
    publication.published_at = past
    publication.publicity_ends_at = past + timedelta(days=7)
    publication.objection_ends_at = past + timedelta(days=5)
    db.session.flush()
    sweeps.close_windows(utcnow())
    return topic


def _load_demo_implementation(donghu, users) -> None:
    """Two results in use: one implementing with two tasks (one overdue), one fed back with residents' ratings.

    Both were published a month ago (staff prepared, the director signed off) and their windows closed.
    """
    from datetime import timedelta

    from consult.implementation import operations as implementation
    from consult.implementation.progress import post_update
    from consult.implementation.ratings import rate
    from consult.kernel.clock import utcnow

    staff, director = users[Role.COMMITTEE_STAFF], users[Role.COMMITTEE_DIRECTOR]
    doing = _published_long_ago(
        users, _checked_result(donghu, users, '7幢楼道照明改造', '7幢楼道灯老化，晚上出行不便。')
    )
    first_grid = donghu.grids[0]
    late = implementation.add_task(staff, doing, '采购并更换楼道声控灯', 'committee', today() + timedelta(days=20))
    late.due_at = utcnow() - timedelta(days=2)  # demo data: an overdue task, flagged to the committee
    late.report_due_at = utcnow() - timedelta(days=1)
    field = implementation.add_task(
        staff, doing, '网格员逐层核查灯具', 'grid', today() + timedelta(days=30), first_grid.id
    )
    post_update(users[Role.GRID_WORKER], field, '已核查1至6层，3层和5层灯具损坏。')

    done = _published_long_ago(
        users, _checked_result(donghu, users, '小区东门增设非机动车停放区', '东门电动车乱停，影响通行。')
    )
    task = implementation.add_task(staff, done, '划线并安装停车架', 'committee', today() + timedelta(days=10))
    post_update(staff, task, '停车区划线完成，安装停车架40个。')
    implementation.mark_done(staff, task)
    implementation.finish(director, done, 'completed', '东门非机动车停放区已建成，可停放约40辆电动车。')
    for role, score, comment in (
        ('resident', 5, '停车方便多了'),
        (Role.REPRESENTATIVE, 4, '希望加装充电桩'),
        (Role.SUPERVISORY_COMMITTEE, 4, ''),
        (Role.GRID_WORKER, 3, '雨天没有遮挡'),
    ):
        rate(users[role], done, score, comment)


def _load_demo_archive(donghu, users) -> None:
    """A topic fed back long ago, its rating period over, archived by the director with a complete bundle."""
    from datetime import timedelta

    import sqlalchemy as sa

    from consult.archive.operations import archive
    from consult.implementation import operations as implementation
    from consult.implementation.models import Feedback
    from consult.kernel.clock import utcnow

    staff, director = users[Role.COMMITTEE_STAFF], users[Role.COMMITTEE_DIRECTOR]
    topic = _published_long_ago(users, _checked_result(donghu, users, '北门增设快递柜', '北门快递堆放，影响通行。'))
    task = implementation.add_task(staff, topic, '选址并安装快递柜', 'committee', today() + timedelta(days=10))
    implementation.mark_done(staff, task)
    implementation.finish(director, topic, 'completed', '北门快递柜已安装启用。')
    db.session.execute(  # demo data: the residents' rating period ended (feedback rows are otherwise append-only)
        sa.update(Feedback)
        .where(Feedback.topic_id == topic.id)
        .values(rating_ends_at=utcnow() - timedelta(days=1))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    archive(director, topic)


def _pad(text: str, width: int) -> str:
    """Left-justify ``text`` to ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in 'WF' else 1 for ch in text)
    return text + ' ' * max(1, width - used)


@demo_cli.command('load')
def load_command():
    """Load the demo data once, then print one account per role."""
    logging.getLogger('consult').setLevel(logging.WARNING)  # the per-row log lines are noise here
    password = demo_password(current_app.instance_path)
    created = load_demo(password)
    db.session.commit()
    click.echo(_('Demo data loaded.') if created else _('Demo data already present.'))
    click.echo(_('Demo accounts (log in with the mobile number):'))
    for role, mobile, display, _real, _born in ACCOUNTS:
        click.echo(f'  {_pad(str(ROLE_LABELS[role]), 42)}{mobile}  {display}')
    click.echo(_('Password for every demo account: %(password)s', password=password))
