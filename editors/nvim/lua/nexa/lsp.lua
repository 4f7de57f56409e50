-- nexa-lsp through Neovim's built-in LSP client (no nvim-lspconfig).
--   0.8+: vim.lsp.start, which reuses a running client with the same name and root_dir.
--   0.7:  vim.lsp.start_client + vim.lsp.buf_attach_client; clients are reused per root_dir here.
local M = {}

M.defaults = {
  cmd = { 'nexa-lsp' },
  -- the first of these found upwards from the file marks the workspace root
  root_markers = { 'nexa.toml', '.git' },
  settings = {},
  codelens = true, -- show Run / Debug / Show DAG above each flow (:lua vim.lsp.codelens.run())
  on_attach = nil, -- function(client, bufnr), called for each buffer attached
}

local clients_by_root = {} -- 0.7 only: root_dir -> client id

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

--- The workspace root of `path`: the nearest folder holding one of `markers`, else the file's folder.
function M.root_dir(path, markers)
  local start = dirname(path)
  for _, marker in ipairs(markers) do
    local found = vim.fn.finddir(marker, start .. ';')
    if found == '' then
      found = vim.fn.findfile(marker, start .. ';')
    end
    if found ~= '' then
      local absolute = vim.fn.fnamemodify(found, ':p'):gsub('/$', '')
      return dirname(absolute)
    end
  end
  return start
end

--- Asks for the code lenses of `bufnr` (0.7's refresh works on the current buffer only).
function M.refresh_codelens(bufnr)
  if vim.fn.has('nvim-0.10') == 1 then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  elseif bufnr == vim.api.nvim_get_current_buf() then
    vim.lsp.codelens.refresh()
  end
end

local function on_attach(opts)
  return function(client, bufnr)
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
    if vim.fn.has('nvim-0.8') == 0 then -- 0.8+ sets tagfunc itself
      vim.bo[bufnr].tagfunc = 'v:lua.vim.lsp.tagfunc'
    end
    if opts.codelens and client.server_capabilities.codeLensProvider then
      local group = vim.api.nvim_create_augroup('nexa_codelens_' .. bufnr, { clear = true })
      vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
        group = group,
        buffer = bufnr,
        callback = function()
          M.refresh_codelens(bufnr)
        end,
      })
      M.refresh_codelens(bufnr)
    end
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
  end
end

--- Starts (or reuses) nexa-lsp for `buf` and attaches it; returns the client id or nil and a message.
function M.start(buf, opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local path = vim.api.nvim_buf_get_name(buf)
  if path == '' then
    return nil, 'the buffer has no file name'
  end
  if vim.fn.executable(opts.cmd[1]) == 0 then
    return nil, string.format("'%s' is not executable (install the nexa suite or set cmd)", opts.cmd[1])
  end
  local root = M.root_dir(vim.fn.fnamemodify(path, ':p'), opts.root_markers)
  local config = {
    name = 'nexa-lsp',
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    settings = opts.settings,
    capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = on_attach(opts),
  }
  if vim.lsp.start then
    local id = vim.lsp.start(config, { bufnr = buf })
    return id, id == nil and 'vim.lsp.start did not start nexa-lsp' or nil
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil, 'vim.lsp.start_client did not start nexa-lsp'
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(buf, id)
  return id
end

return M
