"""What each audit action is called on the audit log page (entries with details have their own sentence in
``templates/audit/_action.html``); an action missing here is shown by its code, and a test lists every code
recorded by the operations.
"""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    'topics.create': _l('Created a topic'),
    'topics.submit': _l('Submitted a topic'),
    'topics.withdraw': _l('Withdrew a topic (submitter)'),
    'topics.withdraw_by_committee': _l('Withdrew a topic (committee)'),
    'topics.attach': _l('Attached files to a topic'),
    'topics.remove_attachment': _l('Removed a file from a topic'),
    'meeting.schedule': _l('Scheduled a meeting'),
    'meeting.roster': _l('Added people to a meeting roster'),
    'meeting.roster_remove': _l('Took someone off a meeting roster'),
    'meeting.join_decided': _l('Decided a request to take part in a meeting'),
    'meeting.open': _l('Opened a meeting session'),
    'meeting.cancel': _l('Cancelled a meeting'),
    'meeting.close': _l('Closed a meeting session'),
    'meeting.minutes_signed': _l('Signed off the minutes of a meeting'),
    'meeting.minutes_corrected': _l('Appended a correction to signed minutes'),
    'vote.create': _l('Prepared a vote'),
    'vote.open': _l('Opened a vote'),
    'vote.close': _l('Closed and counted a vote'),
    'vote.cancel': _l('Cancelled a vote'),
    'comments.open': _l('Opened a comment period'),
    'comments.close': _l('Closed a comment period early'),
    'comments.hide': _l('Hid a comment'),
    'comments.summary': _l('Wrote the summary of a comment period'),
    'comments.conclude': _l('Concluded a consultation'),
    'outcome.opinion': _l('Recorded a consultation opinion'),
    'outcome.correct': _l('Appended a correction to a consultation opinion'),
    'outcome.legality': _l('Recorded the legality check of a consultation opinion'),
    'disclosure.prepare': _l('Prepared and approved the publication of a result'),
    'disclosure.publish': _l('Signed off and published a result'),
    'disclosure.object': _l('Filed an objection to a published result'),
    'disclosure.answer': _l('Answered an objection to a published result'),
    'disclosure.flag': _l('Flagged an irregularity on a published result'),
    'disclosure.answer_flag': _l('Answered an irregularity flag'),
    'meeting.naming': _l('Chose whether to be named in the published minutes and result'),
    'dispatch.propose': _l('Proposed dispatching a topic to a department'),
    'dispatch.dispatch': _l('Signed off and dispatched an item to a department'),
    'dispatch.decline': _l('Declined to sign off a dispatch'),
    'dispatch.report': _l('Department acknowledged a dispatched item'),
    'dispatch.handle': _l('Department started handling a dispatched item'),
    'dispatch.note': _l('Posted progress on a dispatched item'),
    'dispatch.close': _l('Department closed a dispatched item'),
    'implementation.reply': _l('Department replied to a reported consultation result'),
    'implementation.task': _l('Added an implementation task'),
    'implementation.update': _l('Reported progress on an implementation task'),
    'implementation.completed': _l('Signed off an implementation and published its result'),
    'implementation.cannot': _l('Published why a result cannot be carried out'),
    'implementation.correct': _l('Corrected a consultation result as unlawful'),
    'petition.withdraw': _l('Withdrew a petition'),
    'petition.lapse': _l('A petition lapsed'),
    'vote.onsite_mark': _l('Marked a voter as voting on site'),
    'vote.onsite_mark_all': _l('Marked the voters signed in on site as voting on site'),
    'vote.onsite_entry': _l('Entered an on-site count or correction'),
    'vote.onsite_confirm': _l('Confirmed an on-site count'),
    'vote.proxy_register': _l('Registered a written proxy'),
    'vote.proxy_withdraw': _l('Withdrew a written proxy'),
    'vote.proxy_drop': _l('A written proxy was not applied at the opening'),
    'residency.weights': _l('Imported household weights'),
}

#: The object an entry is about, from its details (no query per row): detail key -> (label, endpoint, arg).
SUBJECT_KEYS = (
    ('topic_id', _l('Topic #%(id)s'), 'topics.detail', 'topic_id'),
    ('topic', _l('Topic #%(id)s'), 'topics.detail', 'topic_id'),
    ('meeting_id', _l('Meeting #%(id)s'), 'meetings.detail', 'meeting_id'),
    ('petition_id', _l('Petition #%(id)s'), 'petitions.detail', 'petition_id'),
    ('ticket', _l('Dispatched item #%(id)s'), 'dispatch.detail', 'ticket_id'),
)


def audit_subject(entry) -> tuple[str, str, dict] | None:
    """``(label, endpoint, url args)`` of what ``entry`` is about when it is no person, or ``None``."""
    details = entry.details or {}
    for key, label, endpoint, arg in SUBJECT_KEYS:
        value = details.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(label) % {'id': value}, endpoint, {arg: value}
    return None
