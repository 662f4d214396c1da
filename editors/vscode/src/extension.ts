// The Baton extension: starts the bundled language server (plain Node, the engine's wasm,
// no native binary) and adds "Baton: Promote…".
//
// Everything Baton knows comes from the server; the extension adds what a generic client
// cannot: a picker over the pending promotions, and a modal with the whole plan (changes,
// edits, gates) before the edits are applied. A code lens's `baton.promote` goes through the
// same modal (the client's `executeCommand` middleware), so both paths show the same plan.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** Commands the server executes (`lsp/src/promote.ts`). */
const SERVER = {
  promote: 'baton.promote',
  plan: 'baton.planPromotion',
  list: 'baton.listPromotions',
} as const;

/** The palette command this extension contributes. */
export const PROMOTE_PICK = 'baton.promotePick';

const APPLY = 'Apply edits';

interface PromotionArgs {
  app: string;
  to: string;
  from?: string | null;
  confirmed?: boolean;
}

interface PendingPromotion extends PromotionArgs {
  label: string;
  versions: string[];
}

interface PlanSummary {
  title: string;
  allowed: boolean;
  text: string;
  edits: { path: string; diff: string }[];
  errors: string[];
}

interface PromoteResult extends PlanSummary {
  applied: boolean;
  reason: string | null;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', pattern: '**/Kustomization' },
      { scheme: 'file', pattern: '**/CODEOWNERS' },
    ],
    middleware: {
      executeCommand: async (command, args, next) => {
        const first = args[0] as PromotionArgs | undefined;
        if (command === SERVER.promote && first && first.confirmed !== true) return confirmAndPromote(first);
        return next(command, args);
      },
    },
  };
  client = new LanguageClient('baton', 'Baton', serverOptions, clientOptions);
  context.subscriptions.push(vscode.commands.registerCommand(PROMOTE_PICK, pickAndPromote));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function execute<T>(command: string, ...args: unknown[]): Promise<T> {
  if (!client) throw new Error('Baton: the language server is not running');
  return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
}

/** "Baton: Promote…": pick a pending promotion, then confirm its plan. */
async function pickAndPromote(): Promise<PromoteResult | undefined> {
  const pending = await execute<PendingPromotion[]>(SERVER.list);
  if (pending.length === 0) {
    void vscode.window.showInformationMessage('Baton: no promotion is pending; every environment runs what its upstream runs.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    pending.map((p) => ({ label: p.label, description: p.versions.join(', '), promotion: p })),
    { placeHolder: 'Promote which app, to which environment?' },
  );
  if (!picked) return undefined;
  const { app, from, to } = picked.promotion;
  return confirmAndPromote({ app, from: from ?? null, to });
}

/** Shows the plan in a modal; applies its edits (a workspace edit, by the server) on "Apply edits". */
async function confirmAndPromote(args: PromotionArgs): Promise<PromoteResult | undefined> {
  const plan = await execute<PlanSummary | null>(SERVER.plan, { app: args.app, from: args.from ?? null, to: args.to });
  if (!plan) return undefined;
  const canApply = plan.edits.length > 0 && plan.errors.length === 0;
  const choice = await vscode.window.showInformationMessage(
    plan.title,
    { modal: true, detail: plan.text },
    ...(canApply ? [APPLY] : []),
  );
  if (choice !== APPLY) return undefined;
  const result = await execute<PromoteResult | null>(SERVER.promote, { app: args.app, from: args.from ?? null, to: args.to, confirmed: true });
  if (result?.applied) {
    const files = result.edits.map((e) => e.path).join(', ');
    void vscode.window.showInformationMessage(`Baton: ${result.title} — edited ${files}. Review, save and open the pull request.`);
  } else if (result) {
    void vscode.window.showWarningMessage(`Baton: nothing applied: ${result.reason ?? 'unknown reason'}`);
  }
  return result ?? undefined;
}
