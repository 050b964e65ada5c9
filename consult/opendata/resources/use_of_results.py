"""What became of published results: objections and their answers, implementation tasks, implementation results."""

from consult.disclosure.models import Objection
from consult.implementation.models import Feedback
from consult.implementation.models import Task

from .. import queries
from ..api import ListView
from ..api import register_list
from ..filters import Filter
from ..schemas import ImplementationResultSchema
from ..schemas import ObjectionSchema
from ..schemas import TaskSchema

TAG = 'use of results'
FILTERS = (Filter('community', "Only this community's"), Filter('topic', "Only this topic's"))

register_list(
    'objections',
    '/objections',
    ListView(queries.objections, Objection.id),
    ObjectionSchema,
    'Objections to published results, with the answers (never who objected)',
    TAG,
    filters=FILTERS,
)

register_list(
    'tasks',
    '/implementation-tasks',
    ListView(queries.tasks, Task.id),
    TaskSchema,
    'Tasks carrying out adopted results: owner, deadline, done',
    TAG,
    filters=FILTERS,
)

register_list(
    'implementation_results',
    '/implementation-results',
    ListView(queries.implementation_results, Feedback.id),
    ImplementationResultSchema,
    'Implementation results (the second disclosure): carried out, or why not',
    TAG,
    filters=FILTERS,
)
