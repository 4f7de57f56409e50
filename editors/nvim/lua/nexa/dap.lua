-- nvim-dap configuration for nexa-dap (https://github.com/mfussenegger/nvim-dap).
--
-- nvim-dap is a third-party plugin: this module only registers the adapter and launch
-- configurations with it, and does nothing when it is not installed. The attributes are the ones
-- of the VS Code extension's "nexa" debug type (docs/vscode-extension.md, "What the extension
-- expects from nexa-dap").
local M = {}

M.defaults = {
  command = 'nexa-dap', -- or the absolute path of .venv/bin/nexa-dap
  args = {},
  provider = 'offline',
}

--- Registers adapter "nexa" and configurations for filetype "nexa"; returns false when nvim-dap is missing.
function M.setup(opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  local ok, dap = pcall(require, 'dap')
  if not ok then
    return false
  end
  dap.adapters.nexa = { type = 'executable', command = opts.command, args = opts.args }
  dap.configurations.nexa = {
    {
      type = 'nexa',
      request = 'launch',
      name = 'Nexa: debug a flow of this file',
      program = '${file}',
      flow = function()
        local flow = vim.fn.input('Flow: ', 'main')
        return flow ~= '' and flow or 'main'
      end,
      args = {},
      cwd = '${workspaceFolder}',
      provider = opts.provider,
      stopOnEntry = true,
    },
    {
      type = 'nexa',
      request = 'launch',
      name = 'Nexa: run main without stopping',
      program = '${file}',
      flow = 'main',
      cwd = '${workspaceFolder}',
      provider = opts.provider,
      noDebug = true,
    },
  }
  return true
end

return M
