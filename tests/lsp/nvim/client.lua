-- Neovim (0.7, Debian's) as a real LSP client of baton-language-server, run headless by
-- tests/lsp/neovim.test.mjs. It does what a user does (open a file, edit it, hover, go to
-- definition, run a code lens) through Neovim's own LSP client and handlers, and writes what
-- Neovim received to a JSON file for the test to check. Only the answer to the promote
-- question is scripted (the default handler would wait for a keypress).
--
-- Environment: BATON_NODE, BATON_SERVER, BATON_ROOT, BATON_REPORT.
local node = os.getenv('BATON_NODE')
local server = os.getenv('BATON_SERVER')
local root = os.getenv('BATON_ROOT')
local report_path = os.getenv('BATON_REPORT')

local report = { steps = {} }

local function save()
  local file = assert(io.open(report_path, 'w'))
  file:write(vim.fn.json_encode(report))
  file:close()
end

local function fail(message)
  report.error = message
  save()
  io.stderr:write('client.lua: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function wait(what, predicate)
  if not vim.wait(20000, predicate, 20) then fail('timed out waiting for ' .. what) end
end

-- The diagnostics Neovim holds for a buffer, as plain data.
local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = d.code, source = d.source, severity = d.severity, message = d.message })
  end
  return out
end

-- The text of the floating window a hover opened.
local function floating_lines()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), win
    end
  end
  return nil
end

local function close_floats()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then vim.api.nvim_win_close(win, true) end
  end
end

-- The cursor on the first occurrence of `needle` in the current buffer (plus `delta` columns).
local function cursor_on(needle, delta)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for i, line in ipairs(lines) do
    local col = line:find(needle, 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { i, col - 1 + (delta or 0) })
      return
    end
  end
  fail('no "' .. needle .. '" in ' .. vim.api.nvim_buf_get_name(0))
end

vim.lsp.handlers['window/showMessageRequest'] = function(_, result)
  report.message_request = { message = result.message, actions = result.actions }
  for _, action in ipairs(result.actions or {}) do
    if action.title == 'Apply edits' then return action end
  end
  return vim.NIL
end

local client_id = vim.lsp.start_client({
  name = 'baton',
  cmd = { node, server, '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'repo' } },
  on_exit = function(code) report.exit_code = code end,
})
if not client_id then fail('the server did not start') end

-- 1. A broken kustomization: the diagnostics Neovim shows.
vim.cmd('edit ' .. root .. '/apps/broken/prod/kustomization.yaml')
local broken = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(broken, client_id)
wait('diagnostics on the broken kustomization', function() return #vim.diagnostic.get(broken) > 0 end)
report.steps.broken = diagnostics(broken)

-- 2. Fix it in the buffer (unsaved): the diagnostics clear.
vim.api.nvim_buf_set_lines(broken, 2, 3, false, {})
wait('the diagnostics to clear', function() return #vim.diagnostic.get(broken) == 0 end)
report.steps.fixed = diagnostics(broken)

-- 3. Break it differently, by typing: a YAML syntax error, reported where it is.
vim.api.nvim_buf_set_lines(broken, 0, 1, false, { 'resources: [' })
wait('a syntax error', function() return #vim.diagnostic.get(broken) > 0 end)
report.steps.syntax = diagnostics(broken)

-- 4. Hover on the production image: the floating window Neovim opens.
vim.cmd('edit ' .. root .. '/apps/payment-service/production/image-patch.yaml')
local patch = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(patch, client_id)
cursor_on('registry.example.com', 3)
wait('the client to attach', function() return vim.lsp.buf_is_attached(patch, client_id) end)
vim.lsp.buf.hover()
wait('a hover window', function() return floating_lines() ~= nil end)
report.steps.hover = floating_lines()
close_floats()

-- 5. Go to definition from the production kustomization's `../base`.
vim.cmd('edit ' .. root .. '/apps/payment-service/production/kustomization.yaml')
local production = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(production, client_id)
cursor_on('../base', 3)
vim.lsp.buf.definition()
wait('the jump to the base', function() return vim.api.nvim_get_current_buf() ~= production end)
report.steps.definition = {
  file = vim.api.nvim_buf_get_name(0),
  cursor = vim.api.nvim_win_get_cursor(0),
}

-- 6. The code lens on production, and running it: the plan's edit lands in Neovim's buffer.
vim.cmd('buffer ' .. production)
vim.lsp.codelens.refresh()
wait('the code lens', function() return #(vim.lsp.codelens.get(production) or {}) > 0 end)
report.steps.codelens = {}
for _, lens in ipairs(vim.lsp.codelens.get(production)) do
  table.insert(report.steps.codelens, { line = lens.range.start.line, title = lens.command.title, command = lens.command.command })
end
vim.api.nvim_win_set_cursor(0, { 1, 0 })
vim.lsp.codelens.run()
wait('the promotion edit', function()
  return table.concat(vim.api.nvim_buf_get_lines(patch, 0, -1, false), '\n'):find('payment%-service:abc1234') ~= nil
end)
report.steps.promoted = vim.api.nvim_buf_get_lines(patch, 0, -1, false)
report.steps.promoted_modified = vim.api.nvim_buf_get_option(patch, 'modified')

-- 7. Document symbols of the production kustomization.
local symbols = vim.lsp.buf_request_sync(production, 'textDocument/documentSymbol',
  { textDocument = vim.lsp.util.make_text_document_params(production) }, 10000)
report.steps.symbols = {}
for _, response in pairs(symbols or {}) do
  for _, symbol in ipairs(response.result or {}) do table.insert(report.steps.symbols, symbol.name) end
end

vim.lsp.stop_client(client_id)
wait('the server to exit', function() return report.exit_code ~= nil end)
save()
vim.cmd('qall!')
