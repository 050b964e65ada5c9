"""What each step of a topic is called: its timeline entry (``ACTION_LABELS``) and its button (``STEP_LABELS``).

Kept apart from the machine (``consult.topics.states``, which re-exports them); notifications register
``ACTION_LABELS`` as their kinds, so a step without a label would be told by its code.
"""

from flask_babel import lazy_gettext as _l

#: What happened, on the timeline and in notifications (steps of the machine and entries that keep the state).
ACTION_LABELS = {
    'create': _l('Draft created'),
    'edit': _l('Edited'),
    'submit': _l('Submitted'),
    'queue': _l('Entered the admissibility review queue'),
    'accept': _l('Accepted for topic selection'),
    'reject': _l('Not accepted'),
    'merge': _l('Merged into another topic'),
    'redirect': _l('Redirected to a city department (whistle signed off)'),
    'dispatch_reported': _l('The department acknowledged the dispatched item'),
    'dispatch_closed': _l('The department closed the dispatched item with its reply'),
    'confirm': _l('Confirmed by the Party organisation and announced'),
    'refuse': _l('Not confirmed by the Party organisation'),
    'escalate': _l('Escalated to the joint Party committee'),
    'take_up': _l('Taken up by the joint Party committee'),
    'withdraw': _l('Withdrawn by the submitter'),
    'withdraw_by_committee': _l('Withdrawn by the committee'),
    'cosigns_carried': _l('Co-signs carried over from a merged topic'),
    'open_session': _l('Consultation session opened'),
    'form_opinion': _l('Consultation opinion formed'),
    'defer': _l('No consensus: deferred for another round'),
    'reschedule': _l('Quorum not reached: session to be rescheduled'),
    'meeting_notice': _l('Meeting notice: you are on the roster'),
    'meeting_materials': _l('Meeting materials sent'),
    'open_comments': _l('Comment period opened'),
    'close_comments': _l('Comment period closed early'),
    'summarise_comments': _l('Summary of the comment period written'),
    'conclude_comments': _l('Consultation concluded: consultation opinion formed'),
    'opinion_recorded': _l('Consultation opinion recorded'),
    'opinion_corrected': _l('Correction to the consultation opinion appended'),
    'legality_pass': _l('Legality check passed: the result is ready to be published'),
    'legality_fail': _l('Legality check failed: returned for correction'),
    'legality_needs_vote': _l("Legality check: the matter goes to a vote of the residents' meeting"),
    'vote_passed': _l('The deciding vote passed: the result is ready to be published'),
    'vote_failed': _l('The deciding vote did not pass: the matter is not adopted'),
    'vote_quorum_failed': _l('The deciding vote did not reach its quorum: the meeting is to be reconvened'),
    'publication_prepared': _l('Publication of the result prepared by the committee'),
    'publish': _l('Result published: the publicity period and the objection window are open'),
    'objection_filed': _l('Objection filed'),
    'objection_answered': _l('Objection answered'),
    'uphold_objection': _l('Objection upheld: the matter is consulted again'),
    'irregularity_flagged': _l('Irregularity flagged by the supervisory committee'),
    'irregularity_answered': _l('Irregularity answered by the committee'),
    'window_closed': _l('Publicity period over: the result stands as published'),
    'close_window': _l('Publicity period over: the result goes to implementation'),
    'report_to_gov': _l('Publicity period over: the result is reported to the entrusting department'),
    # Use of results (consult.implementation).
    'gov_reply': _l('The entrusting department replied: adopted; implementation begins'),
    'gov_reply_not_adopted': _l('The entrusting department replied: not adopted, with its reasons'),
    'complete_implementation': _l('Implementation completed and its result published'),
    'cannot_implement': _l('The result cannot be carried out: the explanation is published'),
    'archive': _l('Archived: the record is complete and read-only'),
    'implementation_task': _l('Implementation task added'),
    'implementation_update': _l('Implementation progress reported'),
    'implementation_task_done': _l('Implementation task done'),
    'result_corrected': _l('The result was corrected by the government as unlawful'),
}


#: What a step's button says: a verb for the action (the timeline keeps the event, ``ACTION_LABELS``).
STEP_LABELS = {
    'submit': _l('Submit the topic'),
    'accept': _l('Accept for topic selection'),
    'reject': _l('Return: not accepted'),
    'merge': _l('Merge into another topic'),
    'confirm': _l('Confirm and announce'),
    'refuse': _l('Return: not confirmed by the Party organisation'),
    'escalate': _l('Escalate to the joint Party committee'),
    'take_up': _l('Take up for the joint Party committee'),
    'withdraw': _l('Withdraw the topic'),
    'withdraw_by_committee': _l('Withdraw the topic for the committee'),
    'open_comments': _l('Open the comment period'),
    'conclude_comments': _l('Conclude the consultation'),
    'legality_pass': _l('Pass the legality check'),
    'legality_fail': _l('Return: fails the legality check'),
    'legality_needs_vote': _l("Put to a vote of the residents' meeting"),
    'publish': _l('Sign off and publish the result'),
    'gov_reply': _l('Reply: adopted or partly adopted'),
    'gov_reply_not_adopted': _l('Reply: not adopted'),
    'complete_implementation': _l('Sign off the implementation'),
    'cannot_implement': _l('Explain why it cannot be carried out'),
    'archive': _l('Approve archiving'),
}


def step_label(action: str) -> str:
    """The button label of ``action`` (a verb), or its event label for a step without one."""
    return STEP_LABELS.get(action) or ACTION_LABELS.get(action, action)
