import Chip from '@material-ui/core/Chip';

import type { Relation } from '../api';

const LABELS: Record<Relation, { label: string; title: string }> = {
  behind: { label: 'behind', title: 'The target runs an older version than its upstream: promoting moves it forward' },
  ahead: { label: 'ahead', title: 'The target runs a newer version than its upstream: promoting would move it back' },
  diverged: { label: 'diverged', title: 'The versions cannot be ordered: promoting replaces one with the other' },
};

/** The direction of a pending change, when the engine says it. */
export function RelationChip(props: { relation: Relation | undefined }) {
  if (props.relation === undefined) return null;
  const { label, title } = LABELS[props.relation];
  return (
    <Chip
      size="small"
      variant="outlined"
      color={props.relation === 'behind' ? 'primary' : 'secondary'}
      label={label}
      title={title}
      data-testid="baton-relation"
    />
  );
}
