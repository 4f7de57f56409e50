-- The parts of editors/nvim that need no language server, for tests/e2e/nvim/test_neovim.py:
-- every query of queries/nexa parses in this Neovim, the nvim-dap set-up (with nvim-dap absent and
-- with a stand-in `dap` module) and the workspace root. Writes JSON to NEXA_E2E_RESULT and quits.
local results = { errors = {}, queries = {} }

local function step(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    results.errors[name] = tostring(err)
  end
end

step('queries', function()
  local nexa_ts = require('nexa.treesitter')
  local loaded, message = nexa_ts.load_language(vim.env.NEXA_PARSER)
  results.parser_loaded = loaded
  results.parser_message = message
  local get = (vim.treesitter.query and vim.treesitter.query.get) or vim.treesitter.get_query
  for _, name in ipairs({ 'highlights', 'locals', 'folds', 'indents', 'injections', 'tags' }) do
    local ok, query = pcall(get, 'nexa', name)
    if ok and query then
      results.queries[name] = { ok = true, captures = query.captures }
    else
      results.queries[name] = { ok = false, error = tostring(query) }
    end
  end
end)

step('dap', function()
  local nexa_dap = require('nexa.dap')
  package.loaded.dap = nil
  results.dap_without_nvim_dap = nexa_dap.setup()
  local stand_in = { adapters = {}, configurations = {} }
  package.loaded.dap = stand_in
  results.dap_with_nvim_dap = nexa_dap.setup({ command = '/opt/nexa/bin/nexa-dap' })
  package.loaded.dap = nil
  results.dap_adapter = stand_in.adapters.nexa
  results.dap_configurations = {}
  for _, configuration in ipairs(stand_in.configurations.nexa or {}) do
    local copy = {}
    for key, value in pairs(configuration) do
      copy[key] = type(value) == 'function' and '<function>' or value
    end
    table.insert(results.dap_configurations, copy)
  end
end)

step('root_dir', function()
  local lsp = require('nexa.lsp')
  local dir = vim.env.NEXA_E2E_WORKSPACE
  results.root_with_marker = lsp.root_dir(dir .. '/project/src/deep/main.nx', { 'nexa.toml', '.git' })
  results.root_without_marker = lsp.root_dir(dir .. '/loose/main.nx', { 'nexa.toml' })
end)

vim.fn.writefile({ vim.fn.json_encode(results) }, vim.env.NEXA_E2E_RESULT)
vim.cmd('qa!')
