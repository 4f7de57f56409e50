-- Drives headless Neovim through the Nexa set-up for tests/e2e/nvim/test_neovim.py.
--
-- Run as:  nvim --headless --clean -u editors/nvim/minimal-init.lua -c 'luafile drive.lua' FILE
-- with NEXA_E2E_PLAN naming a JSON plan (0-based positions; see the test) and NEXA_E2E_RESULT the
-- JSON file this script writes. Every wait is bounded (vim.wait with a timeout); a step that fails
-- records its error and the next steps still run; the results are written and Neovim quits whatever
-- happens.
local plan = vim.fn.json_decode(table.concat(vim.fn.readfile(vim.env.NEXA_E2E_PLAN), '\n'))
local timeout = plan.timeout_ms or 30000
local buf = vim.api.nvim_get_current_buf()
local results = { errors = {} }

local function step(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    results.errors[name] = tostring(err)
  end
end

local function client(bufnr)
  bufnr = bufnr or buf
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(clients) do
    if c.name == 'nexa-lsp' then
      return c
    end
  end
end

local provider_of = {
  ['textDocument/definition'] = 'definitionProvider',
  ['textDocument/completion'] = 'completionProvider',
}

--- Sends `method` at (row, col) and returns the first client's result or error.
local function request_at(method, row, col)
  -- 0.7 never answers buf_request_sync when no client supports the method: fail at once instead
  if not client().server_capabilities[provider_of[method]] then
    error(method .. ': nexa-lsp does not announce ' .. provider_of[method])
  end
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  local params = vim.lsp.util.make_position_params(0, client().offset_encoding)
  local responses = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not responses then
    error(method .. ': no response within ' .. timeout .. ' ms')
  end
  for _, response in pairs(responses) do
    if response.err then
      error(method .. ': ' .. vim.inspect(response.err))
    end
    return response.result
  end
end

local function diagnostics()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = d.code, message = d.message, severity = d.severity, source = d.source,
    })
  end
  return found
end

local function has_code(code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return true
    end
  end
  return false
end

step('editor', function()
  local v = vim.version()
  results.version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  results.filetype = vim.bo[buf].filetype
  results.commentstring = vim.bo[buf].commentstring
  results.abi = vim.treesitter.language_version
  results.min_abi = vim.treesitter.minimum_language_version
end)

step('treesitter', function()
  local nexa_ts = require('nexa.treesitter')
  results.highlighter_active = nexa_ts.is_active(buf)
  local row, col = unpack(plan.keyword_at)
  results.captures_at_keyword = nexa_ts.captures_at(buf, row, col)
  local tree = vim.treesitter.get_parser(buf, 'nexa'):parse()[1]
  results.tree_has_error = tree:root():has_error()
end)

step('lsp_attach', function()
  results.attached = vim.wait(timeout, function()
    local c = client()
    return c ~= nil and c.initialized == true and c.server_capabilities ~= nil
  end, 20)
  results.omnifunc = vim.bo[buf].omnifunc
  local c = client()
  if c then
    results.offset_encoding = c.offset_encoding
    results.server_name = c.server_info and c.server_info.name or nil
  end
end)

step('diagnostics', function()
  results.diagnostics_arrived = vim.wait(timeout, function()
    return has_code(plan.error_code)
  end, 20)
  results.diagnostics = diagnostics()
end)

step('definition', function()
  local row, col = unpack(plan.definition_at)
  results.definition_response = request_at('textDocument/definition', row, col)
  -- now the way a user does it: the cursor on the name, then vim.lsp.buf.definition()
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  vim.lsp.buf.definition()
  results.definition_jumped = vim.wait(timeout, function()
    return vim.api.nvim_win_get_cursor(0)[1] ~= row + 1
  end, 20)
  local cursor = vim.api.nvim_win_get_cursor(0)
  results.definition_cursor = { cursor[1] - 1, cursor[2] }
  results.definition_buffer_is_same = vim.api.nvim_get_current_buf() == buf
end)

step('fix_error', function()
  -- delete the line with the error: didChange goes out and the error's diagnostic goes away
  local row = plan.error_line
  vim.api.nvim_buf_set_lines(buf, row, row + 1, false, {})
  results.error_cleared = vim.wait(timeout, function()
    return not has_code(plan.error_code) and #diagnostics() > 0
  end, 20)
  results.diagnostics_after_fix = diagnostics()
end)

step('code_lenses', function()
  vim.cmd('write') -- `nexa run` reads the file from disk
  require('nexa.lsp').refresh_codelens(buf)
  local function lenses()
    local found = {}
    for _, lens in ipairs(vim.lsp.codelens.get(buf) or {}) do
      if lens.command then
        found[lens.command.command] = lens
      end
    end
    return found
  end
  vim.wait(timeout, function()
    return lenses()['nexa.showDag'] ~= nil
  end, 20)
  local found = lenses()
  results.code_lens_commands = vim.tbl_keys(found)
  local ctx = { bufnr = buf, client_id = client().id }
  local source_win = vim.api.nvim_get_current_win()

  -- Show DAG: a scratch buffer listing the nodes; <CR> on the agent's line jumps to the call
  vim.lsp.commands['nexa.showDag'](found['nexa.showDag'].command, ctx)
  local dag_buf
  vim.wait(timeout, function()
    local current = vim.api.nvim_get_current_buf()
    if current ~= buf and vim.api.nvim_buf_get_lines(current, 0, 1, false)[1]:match('^flow ') then
      dag_buf = current
    end
    return dag_buf ~= nil
  end, 20)
  results.dag_lines = dag_buf and vim.api.nvim_buf_get_lines(dag_buf, 0, -1, false) or nil
  if dag_buf then
    for i, line in ipairs(results.dag_lines) do
      if line:match(' agent ') then
        vim.api.nvim_win_set_cursor(0, { i, 0 })
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
        break
      end
    end
    local cursor = vim.api.nvim_win_get_cursor(0)
    results.dag_jump = { buf = vim.api.nvim_get_current_buf() == buf, row = cursor[1] - 1, col = cursor[2] }
  end

  -- Run: `nexa run --flow main FILE` in a terminal split; wait for it to end, keep its output
  vim.api.nvim_set_current_win(source_win)
  local term_buf = vim.lsp.commands['nexa.runFlow'](found['nexa.runFlow'].command, ctx)
  -- the terminal writes '[Process exited N]' once the job has ended and its output is in
  results.run_finished = vim.wait(timeout, function()
    for _, line in ipairs(vim.api.nvim_buf_get_lines(term_buf, 0, -1, false)) do
      if line:match('^%[Process exited') then
        return true
      end
    end
    return false
  end, 20)
  results.run_output = vim.api.nvim_buf_get_lines(term_buf, 0, -1, false)

  -- Debug without nvim-dap says so and starts nothing
  results.debug_started = vim.lsp.commands['nexa.debugFlow'](found['nexa.debugFlow'].command, ctx)

  vim.cmd('silent! only!')
  vim.api.nvim_set_current_buf(buf)
end)

step('completion', function()
  local row = plan.complete.row
  local text = plan.complete.text
  vim.api.nvim_buf_set_lines(buf, row, row, false, { text })
  local result = request_at('textDocument/completion', row, #text)
  local items = result and (result.items or result) or {}
  results.completion_labels = {}
  for _, item in ipairs(items) do
    table.insert(results.completion_labels, item.label)
  end
end)

step('second_buffer', function()
  -- a second program of the same folder: the same nexa-lsp serves it
  vim.cmd('edit ' .. vim.fn.fnameescape(plan.second_file))
  local second = vim.api.nvim_get_current_buf()
  results.second_filetype = vim.bo[second].filetype
  results.second_attached = vim.wait(timeout, function()
    return client(second) ~= nil
  end, 20)
  results.same_client = results.second_attached and client(second).id == client(buf).id
  local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  results.client_count = #all_clients()
end)

local function finish()
  local ok, encoded = pcall(vim.fn.json_encode, results)
  if not ok then
    encoded = vim.fn.json_encode({ errors = { encode = tostring(encoded) } })
  end
  vim.fn.writefile({ encoded }, vim.env.NEXA_E2E_RESULT)
  local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in pairs(all_clients()) do
    vim.lsp.stop_client(c.id)
  end
  vim.wait(5000, function()
    return #all_clients() == 0
  end, 20)
  vim.cmd('qa!')
end

finish()
