import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider } from './auth.tsx';
import { Layout } from './layout.tsx';
import { useLocation, type Location } from './router.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { ExceptionsPage } from './pages/exceptions.tsx';
import { OrdersPage } from './pages/orders.tsx';
import { OrderPage } from './pages/order.tsx';
import { BackordersPage } from './pages/backorders.tsx';
import { InventoryPage } from './pages/inventory.tsx';
import { SkuPage } from './pages/sku.tsx';
import { IntegrationsPage } from './pages/integrations.tsx';
import { ProcessPage } from './pages/process.tsx';
import { PoliciesPage } from './pages/policies.tsx';
import { takeProviderAnswer } from './oidc.ts';

/** One entry per screen: the first path segment picks the page, the rest are its own. */
function Screen(props: { location: Location }) {
  const [first, second] = props.location.segments;
  const location = props.location;
  switch (first) {
    case undefined:
      return <OverviewPage location={location} />;
    case 'exceptions':
      return <ExceptionsPage location={location} />;
    case 'orders':
      return second ? <OrderPage location={location} /> : <OrdersPage location={location} />;
    case 'backorders':
      return <BackordersPage location={location} />;
    case 'inventory':
      return second ? <SkuPage location={location} /> : <InventoryPage location={location} />;
    case 'integrations':
      return <IntegrationsPage location={location} />;
    case 'process':
      return <ProcessPage location={location} />;
    case 'policies':
      return <PoliciesPage location={location} />;
    default:
      return <h1>Nothing at {location.path}</h1>;
  }
}

function App() {
  const location = useLocation();
  return (
    <SessionProvider>
      {(session, ready) => {
        if (!ready) return <div className="loading">Loading…</div>;
        if (!session.me) return <SignInPage />;
        return (
          <Layout me={session.me} location={location} onSignOut={session.signOut}>
            <Screen location={location} />
          </Layout>
        );
      }}
    </SessionProvider>
  );
}

// Back from the identity provider: its answer leaves the address before the router first reads it.
takeProviderAnswer();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
