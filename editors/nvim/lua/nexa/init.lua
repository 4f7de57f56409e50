-- Nexa for Neovim with built-in APIs only: tree-sitter highlighting and nexa-lsp on every buffer of
-- filetype "nexa" (filetype detection is ftdetect/nexa.lua).
--
--   vim.opt.runtimepath:append('/path/to/nexa/editors/nvim')
--   require('nexa').setup({ lsp = { cmd = { '/path/to/nexa/.venv/bin/nexa-lsp' } } })
--
-- Options: treesitter = true | false, parser_path = nil (else a nexa.so anywhere),
--          lsp = false | { cmd, root_markers, settings, capabilities, codelens, on_attach } (see nexa.lsp),
--          nexa = the `nexa` command for Run code lenses (default: beside lsp.cmd, else `nexa`).
local M = {}

M.options = { treesitter = true, parser_path = nil, lsp = {}, nexa = nil }

local function warn(message)
  vim.schedule(function()
    vim.notify('nexa: ' .. message, vim.log.levels.WARN)
  end)
end

local warned = {}
local function warn_once(message)
  if not warned[message] then
    warned[message] = true
    warn(message)
  end
end

--- Starts tree-sitter and the language server for `buf` as the options say.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if M.options.treesitter then
    local ok, message = require('nexa.treesitter').start(buf, M.options.parser_path)
    if not ok then
      warn_once(message)
    end
  end
  if M.options.lsp then
    local id, message = require('nexa.lsp').start(buf, M.options.lsp)
    if not id then
      warn_once(message)
    end
  end
end

--- `nexa` beside the configured nexa-lsp (a .venv's bin/), else `nexa` on PATH.
local function nexa_command(options)
  if options.nexa then
    return options.nexa
  end
  local lsp_cmd = options.lsp and options.lsp.cmd and options.lsp.cmd[1]
  if lsp_cmd and lsp_cmd:find('/') then
    return vim.fn.fnamemodify(lsp_cmd, ':h') .. '/nexa'
  end
  return 'nexa'
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', M.options, opts or {})
  require('nexa.commands').register({ nexa = nexa_command(M.options) })
  local group = vim.api.nvim_create_augroup('nexa', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'nexa',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'nexa' then
      M.attach(buf)
    end
  end
end

return M
