// The walkthrough at the top of the Pipeline view: the seed's GitOps workflow in a few steps,
// each a button that opens the view that shows it. Steps come from what the repository has
// (a pending promotion to plan, an app with two environments to compare), never made up.
import type { StatusResult } from '@baton/engine/web';

import { el } from './dom';

export interface TourStep {
  title: string;
  text: string;
  /** What the button does; absent when the repository has nothing to show for the step. */
  run?: () => void;
  action?: string;
}

export interface TourActions {
  plan: (app: string, from: string, to: string) => void;
  diff: (app: string, from: string, to: string) => void;
  openFolder: () => void;
  previews: () => void;
  images: () => void;
  /** Opens the ApplicationSets view. */
  appsets: () => void;
  /** Opens the Deployments view, on the deployment with this id if given. */
  deployments: (id?: string) => void;
}

/** The steps that this repository can show, in the seed's order. */
export function tourSteps(status: StatusResult, actions: TourActions): TourStep[] {
  const steps: TourStep[] = [
    {
      title: 'What runs where',
      text: 'Each row is an app, each column an environment in promotion order; a cell shows the image each container runs and how it rolls out.',
    },
  ];
  const automated = status.apps.flatMap((app) => app.environments.filter((e) => e.flux).map((env) => ({ app, env })))[0];
  if (automated) {
    const policy = automated.env.flux?.policies[0];
    steps.push({
      title: 'Flux bumps ' + automated.env.name,
      text: `Flux image automation updates ${automated.app.name} in ${automated.env.name}${policy ? ` (${policy.rule})` : ''}: give it registry tags and see its pick, the edit and the commit it would make.`,
      action: 'Image updates',
      run: actions.images,
    });
  }
  const pending = status.apps.flatMap((app) => app.pending.filter((p) => !p.changes.some((c) => c.relation === 'ahead')).map((p) => ({ app, p })))[0];
  steps.push({
    title: 'Promote',
    text: pending
      ? `${pending.p.to} of ${pending.app.name} waits for ${pending.p.from}'s version: the plan shows the pull request's edits, the gates, the rollout and what else differs.`
      : 'No environment waits for a promotion right now; an arrow appears here when one does.',
    action: 'Plan it',
    run: pending ? () => actions.plan(pending.app.path, pending.p.from, pending.p.to) : undefined,
  });
  const drifting = status.apps.find((app) => app.environments.length >= 2);
  steps.push({
    title: 'Compare environments',
    text: 'Namespaces, name prefixes and promoted images differ by design; the rest is drift a promotion does not carry.',
    action: 'Compare',
    run: drifting ? () => actions.diff(drifting.path, drifting.environments.at(-2)?.name ?? '', drifting.environments.at(-1)?.name ?? '') : undefined,
  });
  const preview = status.apps.flatMap((app) => app.previews.map((p) => ({ app, p })))[0];
  steps.push({
    title: 'Preview environments',
    text: preview
      ? `Pull request #${preview.p.number} of ${preview.app.name} runs in its own namespace (${preview.p.namespace ?? '?'})${preview.p.url ? ` at ${preview.p.url}` : ''}; open or close one for any pull request.`
      : 'A pull request can get its own overlay, namespace and URL, and lose them when it closes.',
    action: 'Previews',
    run: actions.previews,
  });
  const generated = status.apps.flatMap((app) => app.environments.flatMap((e) => e.applications.filter((a) => a.appSet)));
  const appSets = generated.filter((a) => a.appSet === generated[0]?.appSet);
  steps.push({
    title: 'ApplicationSets',
    text: appSets.length
      ? `ApplicationSet ${appSets[0].appSet} generates ${appSets.map((a) => a.application).join(', ')}: see each one's destination and whether its path renders, and add a pull request to see its preview Application.`
      : 'An Argo CD ApplicationSet generates Applications from clusters, lists or pull requests: see each one with its destination and whether its path renders.',
    action: 'ApplicationSets',
    run: actions.appsets,
  });
  if (status.clusters.length > 0) {
    steps.push({
      title: 'Clusters',
      text: `${status.clusters.map((c) => c.name).join(' and ')} apply the overlays through Flux; a cluster's controller can patch and substitute variables, so what it applies is not the overlay alone.`,
      action: 'What a cluster applies',
      run: () => actions.deployments(),
    });
  }
  steps.push({
    title: 'Your own repository',
    text: 'Open a folder or a .zip: it is read in this browser only, nothing is uploaded.',
    action: 'Open a folder',
    run: actions.openFolder,
  });
  return steps;
}

/** The walkthrough as an ordered list. */
export function tourList(steps: TourStep[]): HTMLDetailsElement {
  const box = el('details', 'tour');
  box.open = true;
  box.dataset.testid = 'tour';
  box.append(el('summary', '', 'Walkthrough: the GitOps workflow of this repository'));
  const list = el('ol');
  for (const step of steps) {
    const li = el('li');
    li.append(el('b', '', step.title), ' ', el('span', 'hint', step.text));
    if (step.run && step.action) {
      const button = el('button', 'ghost small', step.action);
      button.type = 'button';
      button.dataset.testid = 'tour-step';
      button.addEventListener('click', step.run);
      li.append(' ', button);
    }
    list.append(li);
  }
  box.append(list);
  return box;
}
