-- A minimal init for trying the Nexa set-up (and the one the end-to-end tests use):
--   nvim --clean -u editors/nvim/minimal-init.lua program.nx
-- It puts this folder on the runtimepath and calls require('nexa').setup(). NEXA_LSP may name the
-- nexa-lsp to run (default: the repository's .venv/bin/nexa-lsp when there is one, else nexa-lsp).
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.runtimepath:prepend(here)
vim.opt.swapfile = false

local venv_lsp = vim.fn.fnamemodify(here .. '/../../.venv/bin/nexa-lsp', ':p')
local lsp_cmd = vim.env.NEXA_LSP
if not lsp_cmd or lsp_cmd == '' then
  lsp_cmd = vim.fn.executable(venv_lsp) == 1 and venv_lsp or 'nexa-lsp'
end

require('nexa').setup({ lsp = { cmd = { lsp_cmd } } })
require('nexa.dap').setup({ command = vim.fn.fnamemodify(lsp_cmd, ':h') .. '/nexa-dap' })
