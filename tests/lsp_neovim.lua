-- Neovim (0.7+) headless as a user would drive executor-lsp: open a file, wait for the server's
-- diagnostics, ask for the quick fix at the first one, apply its edit, write the buffer, quit.
-- Run by tests/test_lsp_neovim.py with AEX_FILE (the file) and AEX_PYTHON (the interpreter).
-- Exit codes: 0 done, 3 no diagnostics, 4 no quick fix, 5 the edit was refused.

local function fail(code, message)
  io.stderr:write(message .. '\n')
  vim.cmd('cquit ' .. code)
end

local file = vim.env.AEX_FILE
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()

local client_id = vim.lsp.start_client({
  name = 'executor-lsp',
  cmd = { vim.env.AEX_PYTHON, '-m', 'flake8_executor.lsp.main' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
})
vim.lsp.buf_attach_client(bufnr, client_id)

if not vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20) then
  fail(3, 'no diagnostics')
end
local diagnostic = vim.diagnostic.get(bufnr)[1]
io.stdout:write('diagnostic: ' .. diagnostic.code .. ' ' .. diagnostic.message .. '\n')

-- The file is ASCII: Neovim's byte columns are the UTF-16 columns the request needs.
local at = { line = diagnostic.lnum, character = diagnostic.col }
local params = {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  range = { start = at, ['end'] = at },
  context = { diagnostics = {}, only = { 'quickfix' } },
}
local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 20000)
local action
for _, response in pairs(responses or {}) do
  for _, candidate in ipairs(response.result or {}) do
    action = action or candidate
  end
end
if not action then
  fail(4, 'no quick fix')
end
io.stdout:write('action: ' .. action.title .. '\n')

local before = vim.api.nvim_buf_get_changedtick(bufnr)
local client = vim.lsp.get_client_by_id(client_id)
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
if vim.api.nvim_buf_get_changedtick(bufnr) == before then
  fail(5, 'the edit was not applied')
end
vim.cmd('write')
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
