-- Nexa programs (*.nx) and libraries (*.nxlib) get the filetype "nexa".
-- Neovim 0.8+ detects filetypes in Lua (vim.filetype.add); 0.7 still runs filetype.vim unless
-- g:do_filetype_lua is set, so there an autocommand does it (this file is sourced inside the
-- filetypedetect group, like every ftdetect script).
if vim.fn.has('nvim-0.8') == 1 or (vim.filetype and vim.g.do_filetype_lua == 1) then
  vim.filetype.add({ extension = { nx = 'nexa', nxlib = 'nexa' } })
else
  vim.cmd([[autocmd BufRead,BufNewFile *.nx,*.nxlib setfiletype nexa]])
end
