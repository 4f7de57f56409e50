-- A minimal init for trying the Nexa set-up (and the one the end-to-end tests use):
--   nvim --clean -u editors/nvim/minimal-init.lua program.nx
-- It puts this folder on the runtimepath and calls require('nexa').setup(). NEXA_LSP may name the
-- nexa-lsp to run (default: the repository's .venv/bin/nexa-lsp when there is one, else nexa-lsp) and
-- NEXA_PARSER a nexa.so to load instead of parser/nexa.so from the runtimepath.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.runtimepath:prepend(here)
vim.opt.swapfile = false

local venv_lsp = vim.fn.fnamemodify(here .. '/../../.venv/bin/nexa-lsp', ':p')
local lsp_cmd = vim.env.NEXA_LSP
if not lsp_cmd or lsp_cmd == '' then
  lsp_cmd = vim.fn.executable(venv_lsp) == 1 and venv_lsp or 'nexa-lsp'
end

local parser_path = vim.env.NEXA_PARSER ~= '' and vim.env.NEXA_PARSER or nil

require('nexa').setup({ parser_path = parser_path, lsp = { cmd = { lsp_cmd } } })
-- nexa-dap beside nexa-lsp; does nothing unless nvim-dap is installed
local dap_cmd = lsp_cmd:find('/') and (vim.fn.fnamemodify(lsp_cmd, ':h') .. '/nexa-dap') or 'nexa-dap'
require('nexa.dap').setup({ command = dap_cmd })
