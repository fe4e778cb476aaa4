"""'Draft from data' over many profiles, in the background (README, "Editors").

The admin's action drafts a small selection at once and hands a larger one to Django's tasks
framework (django-tasks, queued in the database, run by `manage.py db_worker`). Either way
each profile gets two versions in its History, before and after, so that an editor can
restore the state before; a BulkDraft records the progress the admin shows.
"""

import reversion
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from organizations.drafting import Draft, draft_from_data
from organizations.models import BulkDraft, Organization

# Selections up to this size are drafted within the request; larger ones in the background.
DRAFT_AT_ONCE = 10
# Profiles drafted between two writes of the progress.
PROGRESS_EVERY = 10
ACTION = "Draft from data"


def draft_with_history(organization: Organization, user) -> Draft:
    """Draft `organization` from its data, with versions before and after in its History."""
    # A version of the profile as it was, so that History can restore it: an imported
    # profile has no version of its own until someone saves it.
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Before the action “{ACTION}”.")
        reversion.add_to_revision(organization)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"After the action “{ACTION}”.")
        draft = draft_from_data(organization)
        if draft.filled:
            reversion.add_to_revision(organization)
    return draft


def start_bulk_draft(organization_ids, user) -> BulkDraft:
    """Queue a draft of these profiles; the returned BulkDraft shows its progress."""
    bulk = BulkDraft.objects.create(created_by=user, organization_ids=list(organization_ids))
    draft_in_background.enqueue(bulk.pk)
    return bulk


@task()
def draft_in_background(bulk_draft_id: int) -> None:
    run_bulk_draft(BulkDraft.objects.get(pk=bulk_draft_id))


def run_bulk_draft(bulk: BulkDraft) -> None:
    """Draft the profiles of `bulk` not done yet, writing the progress as it goes."""
    todo = bulk.organization_ids[bulk.done :]
    try:
        for start in range(0, len(todo), PROGRESS_EVERY):
            chunk = todo[start : start + PROGRESS_EVERY]
            organizations = Organization.objects.in_bulk(chunk)
            drafted = 0
            for pk in chunk:
                if pk in organizations:  # not deleted since
                    drafted += bool(draft_with_history(organizations[pk], bulk.created_by).filled)
            BulkDraft.objects.filter(pk=bulk.pk).update(
                done=F("done") + len(chunk), drafted=F("drafted") + drafted
            )
    except Exception as error:
        BulkDraft.objects.filter(pk=bulk.pk).update(error=repr(error))
        raise
    BulkDraft.objects.filter(pk=bulk.pk).update(finished_at=timezone.now())
