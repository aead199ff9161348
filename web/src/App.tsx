import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { makeQueryClient } from "./api/queryClient";
import { Layout } from "./components/Layout";
import { ClassificationPage } from "./pages/ClassificationPage";
import { ClassificationsPage } from "./pages/ClassificationsPage";
import { EntityPage } from "./pages/EntityPage";
import { ImpactPage } from "./pages/ImpactPage";
import { LineagePage } from "./pages/LineagePage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SearchPage } from "./pages/SearchPage";
import { AuditPage } from "./pages/AuditPage";
import { ComparePage } from "./pages/ComparePage";
import { DeploymentPage } from "./pages/DeploymentPage";
import { DeploymentsPage } from "./pages/DeploymentsPage";
import { ExperimentPage } from "./pages/ExperimentPage";
import { ExperimentsPage } from "./pages/ExperimentsPage";
import { ModelPage } from "./pages/ModelPage";
import { ModelsPage } from "./pages/ModelsPage";
import { PrincipalsPage } from "./pages/PrincipalsPage";
import { PromotionsPage } from "./pages/PromotionsPage";
import { RunPage } from "./pages/RunPage";

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<Layout />}>
            <Route index element={<Navigate to="/search" replace />} />
            <Route path="/search" element={<SearchPage />} />
            <Route path="/entities/:id" element={<EntityPage />} />
            <Route path="/entities/:id/lineage" element={<LineagePage />} />
            <Route path="/entities/:id/impact" element={<ImpactPage />} />
            <Route path="/classifications" element={<ClassificationsPage />} />
            <Route path="/classifications/:name" element={<ClassificationPage />} />
            <Route path="/experiments" element={<ExperimentsPage />} />
            <Route path="/experiments/:id" element={<ExperimentPage />} />
            <Route path="/runs/compare" element={<ComparePage />} />
            <Route path="/runs/:id" element={<RunPage />} />
            <Route path="/models" element={<ModelsPage />} />
            <Route path="/models/:id" element={<ModelPage />} />
            <Route path="/promotions" element={<PromotionsPage />} />
            <Route path="/deployments" element={<DeploymentsPage />} />
            <Route path="/deployments/:id" element={<DeploymentPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/admin/principals" element={<PrincipalsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
