import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { debugHandle } from './state/app.svelte';

(globalThis as { monitor?: typeof debugHandle }).monitor = debugHandle;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
