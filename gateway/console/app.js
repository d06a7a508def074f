// The console's shell: sign-in with the master key, navigation between pages by URL hash.

import { api, masterKey, signIn, signOut } from './api.js';
import * as providers from './providers.js';
import * as keys from './keys.js';
import * as spend from './spend.js';

const PAGES = { providers, keys, spend };

const login = document.getElementById('login');
const shell = document.getElementById('shell');
const page = document.getElementById('page');

function showLogin(message) {
  shell.hidden = true;
  login.hidden = false;
  const error = document.getElementById('login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  document.getElementById('master-key').focus();
}

async function showPage() {
  const name = location.hash.split('/')[1] || 'providers';
  const module = PAGES[name] ?? providers;
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.page === name);
  }
  login.hidden = true;
  shell.hidden = false;
  page.dataset.page = name;
  await module.render(page);
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('master-key');
  signIn(input.value.trim());
  try {
    // Any admin call checks the key; the providers list is the first page anyway.
    await api('GET', '/admin/providers');
    input.value = '';
    await showPage();
  } catch (error) {
    signOut();
    showLogin(error.status === 401 ? 'That is not the master key.' : error.message);
  }
});

document.getElementById('logout').addEventListener('click', () => {
  signOut();
  showLogin();
});

window.addEventListener('modelrt:unauthorized', () => {
  signOut();
  showLogin('The master key was refused; sign in again.');
});

window.addEventListener('hashchange', () => {
  if (masterKey()) showPage();
});

if (masterKey()) showPage();
else showLogin();
